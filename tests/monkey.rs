//! A short seeded monkey run over every screen and modal: random keys, pastes, resizes (1×1 to
//! 300×100) and answers, invariants checked after each (the long run is an example).

#[test]
fn random_events_break_no_invariant() {
    for seed in 1..=3 {
        let mut monkey = portolan::app::monkey::Monkey::new(seed);
        if let Err(e) = monkey.run(3_000) {
            panic!("seed {seed}, after {} events: {e}", monkey.stats.events);
        }
        assert!(monkey.stats.answers > 20, "{:?}", monkey.stats);
    }
}

#[test]
#[ignore]
fn where_the_monkey_goes() {
    let mut monkey = portolan::app::monkey::Monkey::new(1);
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..5000 {
        monkey.step().unwrap();
        *seen.entry(monkey.whereabouts()).or_insert(0) += 1;
    }
    panic!("{seen:?}");
}
