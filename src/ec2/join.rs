//! The join as every front end builds it: for subnets of one region, what EC2 says of each
//! subnet, the interfaces in it and the instances they belong to, in three calls (batched).

use super::{Ec2, Ec2Result};
use crate::model::join::SubnetView;

/// One view per subnet among `ids` of `region`, in the order asked; a subnet EC2 does not
/// know has a view without a subnet. Subnets are asked beside the interfaces and their
/// instances.
pub async fn subnet_views(
    ec2: &dyn Ec2,
    region: &str,
    ids: &[String],
) -> Ec2Result<Vec<(String, SubnetView)>> {
    let (subnets, (interfaces, instances)) = futures::try_join!(
        ec2.subnets_by_id(region, ids),
        ec2.interfaces_and_instances(region, ids)
    )?;
    Ok(ids
        .iter()
        .map(|id| {
            let subnet = subnets.iter().find(|s| &s.id == id).cloned();
            let inside: Vec<_> = interfaces
                .iter()
                .filter(|i| &i.subnet_id == id)
                .cloned()
                .collect();
            (id.clone(), SubnetView::new(subnet, &inside, &instances))
        })
        .collect())
}
