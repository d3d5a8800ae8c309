//! The lookups over a recording stand-in for the three calls.

use std::sync::Mutex;

use super::*;
use crate::model::ec2::InstanceState;

/// Answers every call with one resource per filter value (id = the value), and keeps the
/// queries it was asked.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(Action, String, Query)>>,
    fail_on_call: Option<usize>,
}

impl Recorder {
    fn record(&self, action: Action, region: &str, query: &Query) -> Ec2Result<Vec<String>> {
        let mut seen = self.seen.lock().unwrap();
        seen.push((action, region.to_string(), query.clone()));
        if self.fail_on_call == Some(seen.len()) {
            return Err(Ec2Error::from_code(action, "UnauthorizedOperation", "no"));
        }
        // A resource matching values of two batches comes back from both.
        let mut ids: Vec<String> = query.filters[0].values.clone();
        ids.push("shared".into());
        Ok(ids)
    }

    fn queries(&self) -> Vec<(Action, String, Query)> {
        self.seen.lock().unwrap().clone()
    }
}

fn subnet(id: String) -> Subnet {
    Subnet {
        id,
        cidr: None,
        vpc_id: String::new(),
        availability_zone: String::new(),
        name: None,
        available_addresses: None,
    }
}

fn interface(id: String) -> NetworkInterface {
    NetworkInterface {
        id,
        subnet_id: String::new(),
        private_addresses: vec![],
        ipv4_prefixes: vec![],
        instance_id: None,
        status: None,
        interface_type: None,
        description: None,
    }
}

fn instance(id: String) -> Instance {
    Instance {
        id,
        name: None,
        state: InstanceState::Running,
        instance_type: None,
        subnet_id: None,
        availability_zone: None,
        private_address: None,
        interfaces: vec![],
    }
}

#[async_trait]
impl Ec2 for Recorder {
    async fn describe_subnets(&self, region: &str, query: &Query) -> Ec2Result<Vec<Subnet>> {
        if query.filters.is_empty() {
            self.seen
                .lock()
                .unwrap()
                .push((Action::DescribeSubnets, region.into(), query.clone()));
            return Ok(vec![subnet("subnet-all".into())]);
        }
        Ok(self
            .record(Action::DescribeSubnets, region, query)?
            .into_iter()
            .map(subnet)
            .collect())
    }

    async fn describe_network_interfaces(
        &self,
        region: &str,
        query: &Query,
    ) -> Ec2Result<Vec<NetworkInterface>> {
        Ok(self
            .record(Action::DescribeNetworkInterfaces, region, query)?
            .into_iter()
            .map(interface)
            .collect())
    }

    async fn describe_instances(&self, region: &str, query: &Query) -> Ec2Result<Vec<Instance>> {
        Ok(self
            .record(Action::DescribeInstances, region, query)?
            .into_iter()
            .map(instance)
            .collect())
    }
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("subnet-{i:05}")).collect()
}

#[tokio::test]
async fn lookups_by_id_use_filters_in_batches_of_200_and_drop_repeats() {
    let ec2 = Recorder::default();
    let wanted = ids(450);
    let found = ec2.subnets_by_id("eu-west-1", &wanted).await.unwrap();
    let queries = ec2.queries();
    assert_eq!(queries.len(), 3);
    for (action, region, query) in &queries {
        assert_eq!(
            (*action, region.as_str()),
            (Action::DescribeSubnets, "eu-west-1")
        );
        // Never SubnetId.N: one stale id would fail the whole call.
        assert!(query.ids.is_empty());
        assert_eq!(query.filters.len(), 1);
        assert_eq!(query.filters[0].name, "subnet-id");
        assert!(query.filters[0].values.len() <= MAX_FILTER_VALUES);
    }
    // Every id once, in order, and the resource every batch returned only once.
    let mut expected = wanted.clone();
    expected.insert(200, "shared".into());
    let got: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(got.len(), 451);
    assert_eq!(
        got[..200],
        expected[..200]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()[..]
    );
    assert_eq!(got.iter().filter(|id| **id == "shared").count(), 1);
}

#[tokio::test]
async fn each_lookup_asks_with_its_own_filter() {
    let ec2 = Recorder::default();
    let addresses: Vec<Ipv4Addr> = vec!["10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()];
    let subnets = vec!["subnet-1".to_string()];
    ec2.interfaces_in_subnets("r", &subnets).await.unwrap();
    ec2.interfaces_holding("r", &addresses).await.unwrap();
    ec2.instances_by_id("r", &["i-1".to_string()])
        .await
        .unwrap();
    ec2.instances_in_subnets("r", &subnets).await.unwrap();
    ec2.instances_holding("r", &addresses).await.unwrap();
    let asked: Vec<(Action, String, Vec<String>)> = ec2
        .queries()
        .into_iter()
        .map(|(a, _, q)| (a, q.filters[0].name.clone(), q.filters[0].values.clone()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        asked,
        vec![
            (
                Action::DescribeNetworkInterfaces,
                "subnet-id".into(),
                s(&["subnet-1"])
            ),
            (
                Action::DescribeNetworkInterfaces,
                "addresses.private-ip-address".into(),
                s(&["10.0.0.1", "10.0.0.2"])
            ),
            (Action::DescribeInstances, "instance-id".into(), s(&["i-1"])),
            (
                Action::DescribeInstances,
                "subnet-id".into(),
                s(&["subnet-1"])
            ),
            (
                Action::DescribeInstances,
                "network-interface.addresses.private-ip-address".into(),
                s(&["10.0.0.1", "10.0.0.2"])
            ),
        ]
    );
}

#[tokio::test]
async fn an_empty_list_asks_nothing_and_the_region_asks_without_filters() {
    let ec2 = Recorder::default();
    assert!(ec2.subnets_by_id("r", &[]).await.unwrap().is_empty());
    assert!(ec2.instances_holding("r", &[]).await.unwrap().is_empty());
    assert!(ec2.queries().is_empty());
    let all = ec2.subnets_in_region("r").await.unwrap();
    assert_eq!(all[0].id, "subnet-all");
    assert_eq!(ec2.queries()[0].2, Query::default());
}

#[tokio::test]
async fn a_failing_batch_fails_the_lookup() {
    let ec2 = Recorder {
        fail_on_call: Some(2),
        ..Recorder::default()
    };
    let e = ec2.instances_by_id("r", &ids(300)).await.unwrap_err();
    assert_eq!(e.missing_permission(), Some("ec2:DescribeInstances"));
}
