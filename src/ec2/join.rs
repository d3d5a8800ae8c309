//! The join as every front end builds it: for subnets of one region, what EC2 says of each
//! subnet, the interfaces in it and the instances they belong to, in three calls (batched).

use super::{Ec2, Ec2Result};
use crate::model::join::SubnetView;

/// One view per subnet among `ids` of `region`, in the order asked; a subnet EC2 does not
/// know has a view without a subnet. Subnets and interfaces are asked at once, then the
/// instances the interfaces belong to.
pub async fn subnet_views(
    ec2: &dyn Ec2,
    region: &str,
    ids: &[String],
) -> Ec2Result<Vec<(String, SubnetView)>> {
    let (subnets, interfaces) = futures::try_join!(
        ec2.subnets_by_id(region, ids),
        ec2.interfaces_in_subnets(region, ids)
    )?;
    let mut instance_ids: Vec<String> = interfaces
        .iter()
        .filter_map(|i| i.instance_id.clone())
        .collect();
    instance_ids.sort();
    instance_ids.dedup();
    let instances = ec2.instances_by_id(region, &instance_ids).await?;
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
