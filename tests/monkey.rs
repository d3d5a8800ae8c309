//! A short seeded monkey run over every screen and modal: random keys, pastes, resizes (1×1 to
//! 300×100) and answers, invariants checked after each (the long run is an example).

mod monkey_engine;

#[test]
fn random_events_break_no_invariant() {
    for seed in 1..=3 {
        let mut monkey = monkey_engine::Monkey::new(seed);
        if let Err(e) = monkey.run(3_000) {
            panic!("seed {seed}, after {} events: {e}", monkey.stats.events);
        }
        assert!(monkey.stats.answers > 20, "{:?}", monkey.stats);
    }
}
