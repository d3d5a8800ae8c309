//! Opaque page tokens. A token names a position in a listing (serials and an offset), not a
//! row number, so a listing resumes correctly after unrelated changes; a checksum turns
//! garbage into InvalidNextTokenException instead of a wrong page.

use super::ServiceError;
use super::ports::mix;

pub fn encode(kind: u8, parts: &[u64]) -> String {
    let mut out = format!("{kind:02x}");
    for p in parts {
        out.push_str(&format!("{p:016x}"));
    }
    let sum = checksum(&out);
    out.push_str(&format!("{sum:08x}"));
    out
}

pub fn decode(kind: u8, token: &str, parts: usize) -> Result<Vec<u64>, ServiceError> {
    let bad = || {
        ServiceError::new(
            "InvalidNextTokenException",
            "the NextToken is not valid for this request",
        )
    };
    let expected_len = 2 + 16 * parts + 8;
    if token.len() != expected_len || !token.is_ascii() {
        return Err(bad());
    }
    let (body, sum) = token.split_at(expected_len - 8);
    if u32::from_str_radix(sum, 16).ok() != Some(checksum(body)) {
        return Err(bad());
    }
    if u8::from_str_radix(&body[..2], 16).ok() != Some(kind) {
        return Err(bad());
    }
    (0..parts)
        .map(|i| u64::from_str_radix(&body[2 + 16 * i..2 + 16 * (i + 1)], 16).map_err(|_| bad()))
        .collect()
}

fn checksum(s: &str) -> u32 {
    (s.bytes()
        .fold(0x7070_6f72_746f_6c61u64, |h, b| mix(h ^ u64::from(b)))
        >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering() {
        let t = encode(3, &[1, 2, 99]);
        assert_eq!(decode(3, &t, 3).unwrap(), vec![1, 2, 99]);
        assert!(decode(4, &t, 3).is_err(), "a token of another listing");
        let mut tampered = t.clone().into_bytes();
        tampered[5] = if tampered[5] == b'0' { b'1' } else { b'0' };
        assert!(decode(3, std::str::from_utf8(&tampered).unwrap(), 3).is_err());
        assert!(decode(3, "garbage", 3).is_err());
        assert!(decode(3, "ü".repeat(30).as_str(), 3).is_err());
        assert!(t.len() <= 255);
    }
}
