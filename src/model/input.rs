//! Parsing of what a user types: each parser returns a typed value or a `ValidationError`
//! whose message can be shown next to the field as it is.

use std::net::Ipv4Addr;

use thiserror::Error;

use super::{ArnKind, PortRange, Protocol, ProtocolSet, is_known_region};

/// Longest input any parser looks at; longer text is refused before any work is done on it.
const MAX_INPUT: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    #[error("enter a value")]
    Empty,
    #[error("too long ({0} characters)")]
    TooLong(usize),
    #[error("port must be a whole number from 1 to 65535, not \"{0}\"")]
    Port(String),
    #[error("port range must be PORT or FROM-TO with FROM ≤ TO, not \"{0}\"")]
    PortRange(String),
    #[error("range {from}-{to} is reversed: the first port must not exceed the last")]
    ReversedRange { from: u16, to: u16 },
    #[error("port ranges {0} and {1} overlap")]
    OverlappingRanges(PortRange, PortRange),
    #[error("protocol must be TCP, UDP or TCP,UDP, not \"{0}\"")]
    Protocol(String),
    #[error("choose at least one protocol (TCP or UDP)")]
    NoProtocol,
    #[error("not an IPv4 address: \"{0}\" (expected four numbers 0-255, like 10.0.3.17)")]
    Ipv4(String),
    #[error("\"{0}\" is not a region name (like us-east-1)")]
    Region(String),
    #[error("\"{0}\" is not a subnet id (subnet- then 8 or 17 hex digits)")]
    SubnetId(String),
    #[error(
        "\"{0}\" is not a Global Accelerator ARN (arn:aws:globalaccelerator::ACCOUNT:accelerator/ID)"
    )]
    Arn(String),
    #[error(
        "accelerator name must be 1-64 letters, digits or hyphens, not starting or ending with a hyphen"
    )]
    AcceleratorName,
}

fn trimmed(input: &str) -> Result<&str, ValidationError> {
    if input.len() > MAX_INPUT {
        return Err(ValidationError::TooLong(input.chars().count()));
    }
    let s = input.trim();
    if s.is_empty() {
        return Err(ValidationError::Empty);
    }
    Ok(s)
}

/// Shortens what is echoed back in a message so pasted junk cannot flood the screen.
fn echo(s: &str) -> String {
    const MAX_ECHO: usize = 40;
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ECHO)
        .collect();
    if s.chars().count() > MAX_ECHO {
        out.push('…');
    }
    out
}

pub fn parse_port(input: &str) -> Result<u16, ValidationError> {
    let s = trimmed(input)?;
    match s.parse::<u16>() {
        Ok(p) if p >= 1 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(p),
        _ => Err(ValidationError::Port(echo(s))),
    }
}

/// `80`, `80-90` or `80 - 90`.
pub fn parse_port_range(input: &str) -> Result<PortRange, ValidationError> {
    let s = trimmed(input)?;
    let (from, to) = match s.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, s),
    };
    let bad = || ValidationError::PortRange(echo(s));
    let from = parse_port(from).map_err(|_| bad())?;
    let to = parse_port(to).map_err(|_| bad())?;
    PortRange::new(from, to).ok_or(ValidationError::ReversedRange { from, to })
}

/// `tcp`, `UDP`, `tcp,udp`, `tcp+udp` or `both`, in any case.
pub fn parse_protocols(input: &str) -> Result<ProtocolSet, ValidationError> {
    let s = trimmed(input)?;
    if s.eq_ignore_ascii_case("both") {
        return Ok(ProtocolSet::BOTH);
    }
    let mut set = ProtocolSet::default();
    for part in s.split([',', '+', ' ']).filter(|p| !p.is_empty()) {
        let p = Protocol::from_api_str(&part.to_ascii_uppercase())
            .ok_or_else(|| ValidationError::Protocol(echo(s)))?;
        set.insert(p);
    }
    if set.is_empty() {
        return Err(ValidationError::NoProtocol);
    }
    Ok(set)
}

pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, ValidationError> {
    let s = trimmed(input)?;
    s.parse::<Ipv4Addr>()
        .map_err(|_| ValidationError::Ipv4(echo(s)))
}

/// A region-shaped name (`xx-name-N`, `us-gov-west-1`). Whether it is a region AWS has is a
/// separate question (`is_known_region`): the API accepts any string, the UI only warns.
pub fn parse_region(input: &str) -> Result<String, ValidationError> {
    let s = trimmed(input)?;
    let parts: Vec<&str> = s.split('-').collect();
    let shaped = parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit());
    if shaped || is_known_region(s) {
        Ok(s.to_string())
    } else {
        Err(ValidationError::Region(echo(s)))
    }
}

/// `subnet-` followed by 8 or 17 lowercase hex digits, as EC2 issues them.
pub fn parse_subnet_id(input: &str) -> Result<String, ValidationError> {
    let s = trimmed(input)?;
    let ok = s.strip_prefix("subnet-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        Ok(s.to_string())
    } else {
        Err(ValidationError::SubnetId(echo(s)))
    }
}

/// A Global Accelerator ARN: `arn:PARTITION:globalaccelerator::ACCOUNT:accelerator/ID`, optionally
/// followed by `/listener/ID` and `/endpoint-group/ID`.
pub fn parse_arn(input: &str) -> Result<ArnKind, ValidationError> {
    let s = trimmed(input)?;
    let bad = || ValidationError::Arn(echo(s));
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = fields.as_slice() else {
        return Err(bad());
    };
    let id_ok = |id: &str| {
        !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if *arn != "arn"
        || !partition.starts_with("aws")
        || *service != "globalaccelerator"
        || !region.is_empty()
        || account.len() != 12
        || !account.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let parts: Vec<&str> = resource.split('/').collect();
    if !parts.iter().skip(1).step_by(2).all(|id| id_ok(id)) {
        return Err(bad());
    }
    match parts.as_slice() {
        ["accelerator", a] => Ok(ArnKind::Accelerator {
            accelerator_id: a.to_string(),
        }),
        ["accelerator", a, "listener", l] => Ok(ArnKind::Listener {
            accelerator_id: a.to_string(),
            listener_id: l.to_string(),
        }),
        ["accelerator", a, "listener", l, "endpoint-group", g] => Ok(ArnKind::EndpointGroup {
            accelerator_id: a.to_string(),
            listener_id: l.to_string(),
            endpoint_group_id: g.to_string(),
        }),
        _ => Err(bad()),
    }
}

/// Accelerator names: 1–64 ASCII letters, digits and hyphens, not starting or ending with a
/// hyphen (a rule that lives only in the model's prose).
pub fn parse_accelerator_name(input: &str) -> Result<String, ValidationError> {
    let s = trimmed(input)?;
    let ok = s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(ValidationError::AcceleratorName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(parse_port(" 443 "), Ok(443));
        assert_eq!(parse_port("65535"), Ok(65535));
        assert!(matches!(parse_port("0"), Err(ValidationError::Port(_))));
        assert!(matches!(parse_port("65536"), Err(ValidationError::Port(_))));
        assert!(matches!(parse_port("+80"), Err(ValidationError::Port(_))));
        assert!(matches!(parse_port("8o"), Err(ValidationError::Port(_))));
        assert_eq!(parse_port(""), Err(ValidationError::Empty));
    }

    #[test]
    fn port_ranges() {
        assert_eq!(
            parse_port_range("81-90"),
            Ok(PortRange::new(81, 90).unwrap())
        );
        assert_eq!(
            parse_port_range("81 - 90"),
            Ok(PortRange::new(81, 90).unwrap())
        );
        assert_eq!(
            parse_port_range("7777"),
            Ok(PortRange::new(7777, 7777).unwrap())
        );
        assert_eq!(
            parse_port_range("90-81"),
            Err(ValidationError::ReversedRange { from: 90, to: 81 })
        );
        assert!(matches!(
            parse_port_range("1-2-3"),
            Err(ValidationError::PortRange(_))
        ));
        assert!(matches!(
            parse_port_range("-5"),
            Err(ValidationError::PortRange(_))
        ));
    }

    #[test]
    fn protocols() {
        assert_eq!(parse_protocols("tcp"), Ok(ProtocolSet::TCP));
        assert_eq!(parse_protocols("UDP,tcp"), Ok(ProtocolSet::BOTH));
        assert_eq!(parse_protocols("both"), Ok(ProtocolSet::BOTH));
        assert!(matches!(
            parse_protocols("sctp"),
            Err(ValidationError::Protocol(_))
        ));
        assert_eq!(parse_protocols(",,"), Err(ValidationError::NoProtocol));
    }

    #[test]
    fn ipv4() {
        assert_eq!(parse_ipv4("10.0.3.17"), Ok(Ipv4Addr::new(10, 0, 3, 17)));
        assert!(matches!(
            parse_ipv4("10.0.3"),
            Err(ValidationError::Ipv4(_))
        ));
        assert!(matches!(
            parse_ipv4("10.0.3.256"),
            Err(ValidationError::Ipv4(_))
        ));
        assert!(matches!(parse_ipv4("::1"), Err(ValidationError::Ipv4(_))));
    }

    #[test]
    fn regions() {
        assert_eq!(parse_region("us-east-1").as_deref(), Ok("us-east-1"));
        assert_eq!(
            parse_region("us-gov-west-1").as_deref(),
            Ok("us-gov-west-1")
        );
        // Region-shaped but unknown names pass: the API takes any string; the UI warns.
        assert_eq!(parse_region("xx-moon-1").as_deref(), Ok("xx-moon-1"));
        assert!(matches!(
            parse_region("US-EAST-1"),
            Err(ValidationError::Region(_))
        ));
        assert!(matches!(
            parse_region("useast1"),
            Err(ValidationError::Region(_))
        ));
    }

    #[test]
    fn subnet_ids() {
        assert!(parse_subnet_id("subnet-0a1b2c3d").is_ok());
        assert!(parse_subnet_id("subnet-0123456789abcdef0").is_ok());
        assert!(parse_subnet_id("subnet-0A1B2C3D").is_err());
        assert!(parse_subnet_id("subnet-123").is_err());
        assert!(parse_subnet_id("sg-0a1b2c3d").is_err());
    }

    #[test]
    fn arns() {
        let acc = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh";
        assert!(matches!(parse_arn(acc), Ok(ArnKind::Accelerator { .. })));
        let lis = format!("{acc}/listener/0123vxyz");
        assert!(matches!(parse_arn(&lis), Ok(ArnKind::Listener { .. })));
        let eg = format!("{lis}/endpoint-group/098765zyxwvu");
        assert!(matches!(parse_arn(&eg), Ok(ArnKind::EndpointGroup { .. })));
        assert!(parse_arn("arn:aws:ec2::123456789012:accelerator/x").is_err());
        assert!(
            parse_arn("arn:aws:globalaccelerator:us-west-2:123456789012:accelerator/x").is_err()
        );
        assert!(parse_arn("arn:aws:globalaccelerator::1234:accelerator/x").is_err());
        assert!(parse_arn(&format!("{acc}/listener")).is_err());
        assert!(parse_arn("my-accelerator").is_err());
    }

    #[test]
    fn accelerator_names() {
        assert!(parse_accelerator_name("game-eu-1").is_ok());
        assert!(parse_accelerator_name(&"a".repeat(64)).is_ok());
        assert!(parse_accelerator_name(&"a".repeat(65)).is_err());
        assert!(parse_accelerator_name("-lead").is_err());
        assert!(parse_accelerator_name("trail-").is_err());
        assert!(parse_accelerator_name("has space").is_err());
        assert!(parse_accelerator_name("ünï").is_err());
    }

    #[test]
    fn absurd_input_is_refused_quickly() {
        let junk = "9".repeat(100_000);
        assert!(matches!(
            parse_port(&junk),
            Err(ValidationError::TooLong(_))
        ));
        let echoed = parse_port(&"\u{1b}[2J1234567890".repeat(4))
            .unwrap_err()
            .to_string();
        assert!(!echoed.contains('\u{1b}'));
    }
}
