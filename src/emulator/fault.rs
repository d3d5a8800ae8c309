//! Fault injection, one grammar for the command line and for tests:
//! `OP:KIND[@RATE][#COUNT]`, e.g. `*:throttle@30%` or `CreateCustomRoutingEndpointGroup:apply-then-drop#1`.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const FAULT_GRAMMAR: &str = "OP:KIND[@RATE][#COUNT], OP an operation name or *, KIND one of \
latency=2s, error=ExceptionName, throttle, reset, truncate, apply-then-drop, apply-then-stall=5s, \
RATE like 30% (default 100%), COUNT the number of first matching calls that may fail";

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer normally after a delay.
    Latency(Duration),
    /// Answer with this exception, changing nothing.
    Error(String),
    /// Answer 400 ThrottlingException, changing nothing.
    Throttle,
    /// Close the connection without an answer, changing nothing.
    Reset,
    /// Apply the call, then send only part of the answer's body.
    Truncate,
    /// Apply the call, then close the connection without an answer.
    ApplyThenDrop,
    /// Apply the call, then answer only after a delay.
    ApplyThenStall(Duration),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    /// `None` matches every operation (`*`).
    pub operation: Option<String>,
    pub kind: FaultKind,
    /// Chance that an eligible call fails, 0.0–1.0.
    pub rate: f64,
    /// Only the first COUNT matching calls are eligible.
    pub count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad fault {spec:?}: {problem} (expected {FAULT_GRAMMAR})")]
pub struct FaultSpecError {
    spec: String,
    problem: String,
}

fn duration(s: &str) -> Option<Duration> {
    humantime::parse_duration(s).ok()
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |problem: &str| FaultSpecError {
            spec: spec.chars().take(120).collect(),
            problem: problem.to_string(),
        };
        let (operation, rest) = spec
            .split_once(':')
            .ok_or_else(|| err("missing ':' after the operation"))?;
        let operation = match operation.trim() {
            "*" => None,
            op if !op.is_empty() && op.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                Some(op.to_string())
            }
            _ => {
                return Err(err(
                    "the operation must be a name like ListCustomRoutingPortMappings, or *",
                ));
            }
        };
        let (rest, count) = match rest.split_once('#') {
            Some((r, c)) => (
                r,
                Some(
                    c.trim()
                        .parse::<u64>()
                        .map_err(|_| err("COUNT must be a whole number"))?,
                ),
            ),
            None => (rest, None),
        };
        let (kind, rate) = match rest.split_once('@') {
            Some((k, r)) => {
                let pct = r
                    .trim()
                    .strip_suffix('%')
                    .ok_or_else(|| err("RATE must end in %"))?;
                let pct: f64 = pct
                    .parse()
                    .map_err(|_| err("RATE must be a number of percent"))?;
                if !(0.0..=100.0).contains(&pct) {
                    return Err(err("RATE must be between 0% and 100%"));
                }
                (k, pct / 100.0)
            }
            None => (rest, 1.0),
        };
        let (name, arg) = match kind.trim().split_once('=') {
            Some((n, a)) => (n, Some(a.trim())),
            None => (kind.trim(), None),
        };
        let need_duration = || {
            arg.and_then(duration)
                .ok_or_else(|| err("this KIND needs a duration like 2s or 500ms"))
        };
        let kind = match name {
            "latency" => FaultKind::Latency(need_duration()?),
            "apply-then-stall" => FaultKind::ApplyThenStall(need_duration()?),
            "error" => match arg {
                Some(code)
                    if !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                {
                    FaultKind::Error(code.to_string())
                }
                _ => {
                    return Err(err(
                        "error needs an exception name, like error=InternalServiceErrorException",
                    ));
                }
            },
            "throttle" => FaultKind::Throttle,
            "reset" => FaultKind::Reset,
            "truncate" => FaultKind::Truncate,
            "apply-then-drop" => FaultKind::ApplyThenDrop,
            _ => return Err(err("unknown KIND")),
        };
        Ok(FaultSpec {
            operation,
            kind,
            rate,
            count,
        })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{:?}@{}%",
            self.operation.as_deref().unwrap_or("*"),
            self.kind,
            self.rate * 100.0
        )?;
        if let Some(c) = self.count {
            write!(f, "#{c}")?;
        }
        Ok(())
    }
}

struct Active {
    spec: FaultSpec,
    matched: u64,
}

struct Inner {
    rng: StdRng,
    faults: Vec<Active>,
}

/// The faults in force; tests add and clear them while the server runs.
pub struct Faults {
    inner: Mutex<Inner>,
}

impl Faults {
    /// Seeded, so a run with the same seed and calls fails the same way.
    pub fn new(seed: u64) -> Self {
        Self {
            inner: Mutex::new(Inner {
                rng: StdRng::seed_from_u64(seed),
                faults: Vec::new(),
            }),
        }
    }

    pub fn add(&self, spec: FaultSpec) {
        self.lock().faults.push(Active { spec, matched: 0 });
    }

    pub fn clear(&self) {
        self.lock().faults.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The fault to inject into this call, if any: the first matching spec that fires.
    pub fn decide(&self, operation: &str) -> Option<FaultKind> {
        let mut inner = self.lock();
        let Inner { rng, faults } = &mut *inner;
        for active in faults.iter_mut() {
            if active
                .spec
                .operation
                .as_deref()
                .is_some_and(|op| op != operation)
            {
                continue;
            }
            active.matched += 1;
            if active.spec.count.is_some_and(|c| active.matched > c) {
                continue;
            }
            if active.spec.rate >= 1.0 || rng.random::<f64>() < active.spec.rate {
                return Some(active.spec.kind.clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let s: FaultSpec = "ListCustomRoutingPortMappings:reset@5%".parse().unwrap();
        assert_eq!(
            s.operation.as_deref(),
            Some("ListCustomRoutingPortMappings")
        );
        assert_eq!(s.kind, FaultKind::Reset);
        assert!((s.rate - 0.05).abs() < 1e-9);
        let s: FaultSpec = "*:latency=2s".parse().unwrap();
        assert_eq!(
            (s.operation, s.kind, s.rate),
            (None, FaultKind::Latency(Duration::from_secs(2)), 1.0)
        );
        let s: FaultSpec = "X:apply-then-stall=500ms#3".parse().unwrap();
        assert_eq!(
            (s.kind, s.count),
            (
                FaultKind::ApplyThenStall(Duration::from_millis(500)),
                Some(3)
            )
        );
        assert_eq!(
            "X:error=LimitExceededException"
                .parse::<FaultSpec>()
                .unwrap()
                .kind,
            FaultKind::Error("LimitExceededException".into())
        );
        for k in ["throttle", "truncate", "apply-then-drop"] {
            assert!(format!("*:{k}").parse::<FaultSpec>().is_ok(), "{k}");
        }
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        for (spec, says) in [
            ("throttle", "missing ':'"),
            ("*:explode", "unknown KIND"),
            ("*:latency", "duration"),
            ("*:throttle@150%", "between"),
            ("*:throttle@30", "end in %"),
            ("*:throttle#x", "whole number"),
            ("*:error=", "exception name"),
            ("a b:reset", "operation"),
        ] {
            let e = spec.parse::<FaultSpec>().unwrap_err().to_string();
            assert!(e.contains(says), "{spec}: {e}");
            assert!(e.contains("OP:KIND"), "the grammar is shown: {e}");
        }
    }

    #[test]
    fn count_limits_the_eligible_calls_and_clear_stops_them() {
        let f = Faults::new(1);
        f.add("A:throttle#2".parse().unwrap());
        assert_eq!(f.decide("B"), None);
        assert_eq!(f.decide("A"), Some(FaultKind::Throttle));
        assert_eq!(f.decide("A"), Some(FaultKind::Throttle));
        assert_eq!(f.decide("A"), None);
        f.add("*:reset".parse().unwrap());
        assert_eq!(f.decide("B"), Some(FaultKind::Reset));
        f.clear();
        assert_eq!(f.decide("B"), None);
    }

    #[test]
    fn rate_is_seeded_and_roughly_right() {
        let run = |seed| {
            let f = Faults::new(seed);
            f.add("*:throttle@30%".parse().unwrap());
            (0..2000)
                .map(|_| f.decide("A").is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(9), run(9), "the same seed replays the same run");
        let fired = run(9).iter().filter(|x| **x).count();
        assert!((450..750).contains(&fired), "{fired} of 2000 at 30%");
    }
}
