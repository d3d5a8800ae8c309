//! EC2's query protocol, request side: form-encoded parameters with lists flattened as
//! `SubnetId.1=…`, `Filter.1.Name=…&Filter.1.Value.1=…` (indices from 1, in any order).

use std::collections::BTreeMap;

use super::Ec2Error;

/// At most this many values in one filter (EC2's limit on a single call).
pub const MAX_FILTER_VALUES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub ids: Vec<String>,
    pub filters: Vec<Filter>,
    pub max_results: Option<usize>,
    pub next_token: Option<String>,
    pub dry_run: bool,
}

/// Decodes a form-encoded body (or query string) into its parameters, in order: `+` is a
/// space, `%XX` a byte, and bytes that are not UTF-8 become U+FFFD.
pub fn params(form: &[u8]) -> Vec<(String, String)> {
    form.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            (decode(key), decode(value))
        })
        .collect()
}

fn decode(text: &[u8]) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                text.get(i + 1).and_then(|&b| hex(b)),
                text.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn action(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.as_str())
}

fn invalid(message: impl Into<String>) -> Ec2Error {
    Ec2Error::new("InvalidParameterValue", message)
}

fn index(text: &str) -> Option<u32> {
    text.parse::<u32>().ok().filter(|n| *n >= 1)
}

/// Reads the parameters of one Describe call whose ids come as `{id_param}.N`.
pub fn parse(params: &[(String, String)], id_param: &str) -> Result<Request, Ec2Error> {
    let mut request = Request::default();
    let mut ids: BTreeMap<u32, String> = BTreeMap::new();
    let mut filters: BTreeMap<u32, (Option<String>, BTreeMap<u32, String>)> = BTreeMap::new();
    for (key, value) in params {
        let unknown = || {
            Ec2Error::new(
                "UnknownParameter",
                format!("The parameter {key} is not recognized"),
            )
        };
        match key.as_str() {
            "Action" | "Version" | "IncludeManagedResources" => continue,
            "MaxResults" => {
                let n: i64 = value
                    .trim()
                    .parse()
                    .map_err(|_| invalid(format!("Invalid value '{value}' for maxResults")))?;
                if !(5..=1000).contains(&n) {
                    return Err(invalid(format!(
                        "Value ( {n} ) for parameter maxResults is invalid. Expect a value between 5 and 1000."
                    )));
                }
                request.max_results = Some(n as usize);
                continue;
            }
            "NextToken" => {
                request.next_token = (!value.is_empty()).then(|| value.clone());
                continue;
            }
            "DryRun" => {
                request.dry_run = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(invalid(format!("Invalid value '{value}' for dryRun"))),
                };
                continue;
            }
            _ => {}
        }
        // Presigned requests carry their signature in the query.
        if key.starts_with("X-Amz-") {
            continue;
        }
        if let Some(n) = key
            .strip_prefix(id_param)
            .and_then(|rest| rest.strip_prefix('.'))
        {
            ids.insert(index(n).ok_or_else(unknown)?, value.clone());
            continue;
        }
        let Some(rest) = key.strip_prefix("Filter.") else {
            return Err(unknown());
        };
        let (n, field) = rest.split_once('.').ok_or_else(unknown)?;
        let entry = filters.entry(index(n).ok_or_else(unknown)?).or_default();
        match field.split_once('.') {
            None if field == "Name" => entry.0 = Some(value.clone()),
            Some(("Value", m)) => {
                entry.1.insert(index(m).ok_or_else(unknown)?, value.clone());
            }
            _ => return Err(unknown()),
        }
    }
    request.ids = ids.into_values().collect();
    for (name, values) in filters.into_values() {
        let name = name.ok_or_else(|| invalid("The filter 'null' is invalid"))?;
        if values.is_empty() {
            return Err(invalid(format!(
                "The filter '{name}' needs at least one value"
            )));
        }
        if values.len() > MAX_FILTER_VALUES {
            return Err(Ec2Error::new(
                "FilterLimitExceeded",
                format!(
                    "The maximum number of filter values specified on a single call is {MAX_FILTER_VALUES}"
                ),
            ));
        }
        request.filters.push(Filter {
            name,
            values: values.into_values().collect(),
        });
    }
    Ok(request)
}
