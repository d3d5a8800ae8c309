//! Filters as EC2 applies them: filters AND together, the values of one filter OR together, and
//! a value may hold the wildcards `*` (any run) and `?` (any one character), `\` escaping them.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use super::Ec2Error;
use super::query::Filter;

/// One value a resource offers a filter.
pub enum Field<'a> {
    Text(&'a str),
    Owned(String),
    Address(u32),
}

/// A filter ready to test resources: exact values in sets (addresses parsed once), wildcard
/// values as patterns.
pub struct Matcher {
    pub name: String,
    exact: HashSet<String>,
    addresses: HashSet<u32>,
    patterns: Vec<Vec<Token>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    One,
    Any,
}

fn pattern(value: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut wild = false;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            '*' => {
                wild = true;
                Token::Any
            }
            '?' => {
                wild = true;
                Token::One
            }
            c => Token::Char(c),
        });
    }
    wild.then_some(out)
}

/// Glob matching with backtracking on the last `*` only: linear in practice.
fn glob(pattern: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::One) => {
                p += 1;
                t += 1;
            }
            Some(Token::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|tok| *tok == Token::Any)
}

impl Matcher {
    fn new(filter: &Filter) -> Self {
        let mut m = Self {
            name: filter.name.clone(),
            exact: HashSet::new(),
            addresses: HashSet::new(),
            patterns: Vec::new(),
        };
        for v in &filter.values {
            match pattern(v) {
                Some(p) => m.patterns.push(p),
                None => {
                    let plain = v.replace('\\', "");
                    if let Ok(a) = plain.parse::<Ipv4Addr>() {
                        m.addresses.insert(u32::from(a));
                    }
                    m.exact.insert(plain);
                }
            }
        }
        m
    }

    pub fn accepts(&self, field: &Field<'_>) -> bool {
        let text = |s: &str| self.exact.contains(s) || self.patterns.iter().any(|p| glob(p, s));
        match field {
            Field::Text(s) => text(s),
            Field::Owned(s) => text(s),
            Field::Address(a) => {
                self.addresses.contains(a)
                    || (!self.patterns.is_empty() && text(&Ipv4Addr::from(*a).to_string()))
            }
        }
    }
}

/// The filters of one call, checked against the names the resource knows (`tag:KEY` always).
pub fn compile(filters: &[Filter], known: &[&str]) -> Result<Vec<Matcher>, Ec2Error> {
    filters
        .iter()
        .map(|f| {
            if known.contains(&f.name.as_str()) || f.name.starts_with("tag:") {
                Ok(Matcher::new(f))
            } else {
                Err(Ec2Error::new(
                    "InvalidParameterValue",
                    format!("The filter '{}' is invalid", f.name),
                ))
            }
        })
        .collect()
}

/// Whether a resource passes every filter; `fields` gives its values for a filter name.
pub fn passes<'a>(matchers: &[Matcher], fields: impl Fn(&str) -> Vec<Field<'a>>) -> bool {
    matchers
        .iter()
        .all(|m| fields(&m.name).iter().any(|f| m.accepts(f)))
}

/// The values a `Name` tag offers `tag:KEY` and `tag-key`.
pub fn tag_fields<'a>(filter: &str, name: Option<&'a str>) -> Vec<Field<'a>> {
    match (filter, name) {
        ("tag:Name", Some(n)) => vec![Field::Text(n)],
        ("tag-key", Some(_)) => vec![Field::Text("Name")],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(values: &[&str]) -> Matcher {
        Matcher::new(&Filter {
            name: "x".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        })
    }

    #[test]
    fn wildcards_match_as_ec2_documents() {
        let m = matcher(&["web-*", "db-?", "lit\\*"]);
        for yes in ["web-", "web-1", "web-eu-1", "db-1", "lit*"] {
            assert!(m.accepts(&Field::Text(yes)), "{yes}");
        }
        for no in ["web", "db-12", "db-", "lit", "litx", "xweb-1"] {
            assert!(!m.accepts(&Field::Text(no)), "{no}");
        }
        let any = matcher(&["*a*b*"]);
        assert!(any.accepts(&Field::Text("xxaxxbxx")));
        assert!(!any.accepts(&Field::Text("xxbxxaxx")));
    }

    #[test]
    fn addresses_match_exactly_or_by_pattern() {
        let m = matcher(&["10.0.1.4", "10.0.2.*"]);
        assert!(m.accepts(&Field::Address(u32::from(Ipv4Addr::new(10, 0, 1, 4)))));
        assert!(m.accepts(&Field::Address(u32::from(Ipv4Addr::new(10, 0, 2, 77)))));
        assert!(!m.accepts(&Field::Address(u32::from(Ipv4Addr::new(10, 0, 1, 40)))));
    }

    #[test]
    fn unknown_filter_names_are_refused_and_tags_always_known() {
        let f = |name: &str| Filter {
            name: name.into(),
            values: vec!["v".into()],
        };
        assert!(compile(&[f("subnet-id"), f("tag:team")], &["subnet-id"]).is_ok());
        let e = compile(&[f("subnet")], &["subnet-id"]).err().unwrap();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(e.message.contains("'subnet'"), "{}", e.message);
    }
}
