//! The requests: EC2's query protocol (a form-encoded POST of `Action`, `Version`, ids and
//! filters), written with the SDK's own query writer, and the batching that keeps every
//! filter within EC2's limit of values.

use aws_smithy_query::QueryWriter;

/// The EC2 API version every SDK speaks.
pub const API_VERSION: &str = "2016-11-15";
/// EC2 takes at most this many values in one filter.
pub const MAX_FILTER_VALUES: usize = 200;
/// The largest page the three Describe calls return.
pub const MAX_RESULTS: u32 = 1000;

/// The three calls portolan makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    DescribeSubnets,
    DescribeNetworkInterfaces,
    DescribeInstances,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DescribeSubnets => "DescribeSubnets",
            Self::DescribeNetworkInterfaces => "DescribeNetworkInterfaces",
            Self::DescribeInstances => "DescribeInstances",
        }
    }

    /// The IAM action a policy must allow for the call.
    pub fn permission(self) -> &'static str {
        match self {
            Self::DescribeSubnets => "ec2:DescribeSubnets",
            Self::DescribeNetworkInterfaces => "ec2:DescribeNetworkInterfaces",
            Self::DescribeInstances => "ec2:DescribeInstances",
        }
    }

    /// The name of the list parameter that names resources by id (`SubnetId.1`, …).
    fn id_parameter(self) -> &'static str {
        match self {
            Self::DescribeSubnets => "SubnetId",
            Self::DescribeNetworkInterfaces => "NetworkInterfaceId",
            Self::DescribeInstances => "InstanceId",
        }
    }
}

/// One EC2 filter: a name (`subnet-id`, `addresses.private-ip-address`, …) and the values any
/// of which a resource may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            name: name.into(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }
}

/// What one Describe call asks for; every page of the answer is read.
///
/// `ids` fills `SubnetId.N` (and its kin). EC2 fails the whole call when one of them does not
/// exist, so ids that may be stale belong in a filter (`subnet-id`) instead, which simply
/// matches nothing for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub ids: Vec<String>,
    pub filters: Vec<Filter>,
}

impl Query {
    /// A query of filters only.
    pub fn filtered(filters: Vec<Filter>) -> Self {
        Self {
            ids: Vec::new(),
            filters,
        }
    }
}

/// The form body of one page of `action` for `query`, after `next_token` when it is not the
/// first page.
///
/// `MaxResults` is sent only without ids: EC2 refuses the two together for instances and
/// interfaces, and a list of ids is short anyway.
pub fn encode(action: Action, query: &Query, next_token: Option<&str>) -> String {
    let mut out = String::new();
    let mut writer = QueryWriter::new(&mut out, action.as_str(), API_VERSION);
    if !query.ids.is_empty() {
        let mut ids = writer.prefix(action.id_parameter()).start_list(true, None);
        for id in &query.ids {
            ids.entry().string(id);
        }
        ids.finish();
    }
    if !query.filters.is_empty() {
        let mut filters = writer.prefix("Filter").start_list(true, None);
        for filter in &query.filters {
            let mut entry = filters.entry();
            entry.prefix("Name").string(&filter.name);
            let mut values = entry.prefix("Value").start_list(true, None);
            for value in &filter.values {
                values.entry().string(value);
            }
            values.finish();
        }
        filters.finish();
    }
    if query.ids.is_empty() {
        writer
            .prefix("MaxResults")
            .number(aws_smithy_types::Number::PosInt(u64::from(MAX_RESULTS)));
    }
    if let Some(token) = next_token {
        writer.prefix("NextToken").string(token);
    }
    writer.finish();
    out
}

/// Queries that together ask for every value in `values` under the filter `name`, at most
/// [`MAX_FILTER_VALUES`] in each, every one also carrying the `fixed` filters. Repeated
/// values are asked for once; empty input asks for nothing (not for everything).
pub fn batched<S: AsRef<str>>(
    name: &str,
    values: impl IntoIterator<Item = S>,
    fixed: &[Filter],
) -> Vec<Query> {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<String> = values
        .into_iter()
        .filter(|v| seen.insert(v.as_ref().to_string()))
        .map(|v| v.as_ref().to_string())
        .collect();
    unique
        .chunks(MAX_FILTER_VALUES)
        .map(|chunk| {
            let mut filters = vec![Filter::new(name, chunk.iter().cloned())];
            filters.extend(fixed.iter().cloned());
            Query::filtered(filters)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<(String, String)> {
        body.split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    #[test]
    fn a_filtered_query_numbers_filters_and_values_from_one() {
        let query = Query::filtered(vec![
            Filter::new("subnet-id", ["subnet-a", "subnet-b"]),
            Filter::new("addresses.private-ip-address", ["10.0.0.1"]),
        ]);
        let body = encode(Action::DescribeNetworkInterfaces, &query, None);
        assert_eq!(
            fields(&body),
            [
                ("Action", "DescribeNetworkInterfaces"),
                ("Version", "2016-11-15"),
                ("Filter.1.Name", "subnet-id"),
                ("Filter.1.Value.1", "subnet-a"),
                ("Filter.1.Value.2", "subnet-b"),
                ("Filter.2.Name", "addresses.private-ip-address"),
                ("Filter.2.Value.1", "10.0.0.1"),
                ("MaxResults", "1000"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn ids_use_the_calls_own_parameter_and_leave_out_max_results() {
        let query = Query {
            ids: vec!["i-1".into(), "i-2".into()],
            filters: vec![],
        };
        let body = encode(Action::DescribeInstances, &query, Some("tok/en+=="));
        assert_eq!(
            body,
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2&NextToken=tok%2Fen%2B%3D%3D"
        );
        let subnets = encode(
            Action::DescribeSubnets,
            &Query {
                ids: vec!["subnet-1".into()],
                filters: vec![],
            },
            None,
        );
        assert_eq!(
            subnets,
            "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-1"
        );
    }

    #[test]
    fn values_are_form_encoded() {
        let query = Query::filtered(vec![Filter::new("tag:Name", ["a b&c=d"])]);
        let body = encode(Action::DescribeSubnets, &query, None);
        assert!(body.contains("&Filter.1.Name=tag%3AName&Filter.1.Value.1=a%20b%26c%3Dd&"));
    }

    #[test]
    fn batches_hold_at_most_200_values_each_without_repeats() {
        let values: Vec<String> = (0..450)
            .map(|i| format!("10.0.{}.{}", i / 250, i % 250))
            .collect();
        let mut with_repeats = values.clone();
        with_repeats.extend(values.iter().take(30).cloned());
        let fixed = [Filter::new("subnet-id", ["subnet-1"])];
        let batches = batched("addresses.private-ip-address", &with_repeats, &fixed);
        assert_eq!(batches.len(), 3);
        let sizes: Vec<usize> = batches.iter().map(|q| q.filters[0].values.len()).collect();
        assert_eq!(sizes, [200, 200, 50]);
        let all: Vec<&String> = batches.iter().flat_map(|q| &q.filters[0].values).collect();
        assert_eq!(all, values.iter().collect::<Vec<_>>());
        for q in &batches {
            assert!(q.ids.is_empty());
            assert_eq!(q.filters[0].name, "addresses.private-ip-address");
            assert_eq!(q.filters[1], fixed[0]);
        }
        let last = encode(Action::DescribeNetworkInterfaces, &batches[2], None);
        assert!(last.contains("Filter.1.Value.50=") && !last.contains("Filter.1.Value.51="));
        assert!(last.contains("&Filter.2.Name=subnet-id&Filter.2.Value.1=subnet-1"));
    }

    #[test]
    fn exactly_200_values_make_one_batch_and_none_make_none() {
        let values: Vec<String> = (0..200).map(|i| format!("subnet-{i}")).collect();
        assert_eq!(batched("subnet-id", &values, &[]).len(), 1);
        assert!(batched::<&str>("subnet-id", [], &[]).is_empty());
    }
}
