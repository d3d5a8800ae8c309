//! Typed sort keys: how the cells of a column are ordered when the user sorts by it.

use std::cmp::Ordering;

/// A row's key for sorting by one column: numbers (ports, counts, addresses) compare by value,
/// text in natural order, so addresses in text sort as addresses (.9 before .10) and runs of
/// digits by value ("range 9" before "range 10").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Number(u64),
    Text(String),
}

impl SortKey {
    /// The key of a cell's text: a number when the column is numeric and the cell parses.
    pub fn typed(text: String, numeric: bool) -> Self {
        match text.parse::<u64>() {
            Ok(n) if numeric => Self::Number(n),
            _ => Self::Text(text),
        }
    }

    pub fn compare(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Number(a), Self::Number(b)) => a.cmp(b),
            (Self::Text(a), Self::Text(b)) => natural(a, b),
            (Self::Number(a), Self::Text(b)) => natural(&a.to_string(), b),
            (Self::Text(a), Self::Number(b)) => natural(a, &b.to_string()),
        }
    }
}

fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let (dx, rx) = digits(x);
                let (dy, ry) = digits(y);
                // Equal values with leading zeros: the shorter run first, so the order is total.
                let order = dx
                    .trim_start_matches('0')
                    .len()
                    .cmp(&dy.trim_start_matches('0').len())
                    .then_with(|| dx.trim_start_matches('0').cmp(dy.trim_start_matches('0')))
                    .then_with(|| dx.len().cmp(&dy.len()));
                if order != Ordering::Equal {
                    return order;
                }
                (x, y) = (rx, ry);
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                (x, y) = (&x[1..], &y[1..]);
            }
        }
    }
}

/// The leading run of ASCII digits of `s`, and what follows it.
fn digits(s: &[u8]) -> (&str, &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    // ASCII digits are valid UTF-8 on their own.
    (std::str::from_utf8(&s[..end]).unwrap_or(""), &s[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compare(a: &str, b: &str, numeric: bool) -> Ordering {
        SortKey::typed(a.into(), numeric).compare(&SortKey::typed(b.into(), numeric))
    }

    #[test]
    fn addresses_and_numbers_in_text_sort_by_value() {
        let mut ips = vec!["75.2.0.11", "75.2.0.1", "75.2.0.10", "75.2.0.9", "10.0.0.2"];
        ips.sort_by(|a, b| compare(a, b, false));
        assert_eq!(
            ips,
            ["10.0.0.2", "75.2.0.1", "75.2.0.9", "75.2.0.10", "75.2.0.11"]
        );
        let mut ranges = vec!["10000-10099", "9000-9099", "100-199"];
        ranges.sort_by(|a, b| compare(a, b, false));
        assert_eq!(ranges, ["100-199", "9000-9099", "10000-10099"]);
        assert_eq!(compare("a", "b", false), Ordering::Less);
        assert_eq!(compare("07", "7", false), Ordering::Greater);
        assert_eq!(compare("", "1", false), Ordering::Less);
    }

    #[test]
    fn typed_keys_compare_numbers_by_value_and_text_naturally() {
        let n = |t: &str| SortKey::typed(t.into(), true);
        assert_eq!(n("9").compare(&n("10")), Ordering::Less);
        assert_eq!(
            n("10").compare(&n("-")),
            Ordering::Greater,
            "digits after '-'"
        );
        let t = |t: &str| SortKey::typed(t.into(), false);
        assert_eq!(
            t("10").compare(&t("9")),
            Ordering::Greater,
            "digits by value"
        );
        assert_eq!(t("b").compare(&t("a")), Ordering::Greater);
    }
}
