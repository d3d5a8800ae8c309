//! A short seeded monkey run over every screen and modal: random keys, pastes, resizes (1×1 to
//! 300×100), live re-reads and answers, invariants checked after each (the long run is an
//! example).

mod monkey_engine;

#[test]
fn random_events_break_no_invariant() {
    let mut total = monkey_engine::Stats::default();
    for seed in 1..=3 {
        let mut monkey = monkey_engine::Monkey::new(seed);
        if let Err(e) = monkey.run(3_000) {
            panic!("seed {seed}, after {} events: {e}", monkey.stats.events);
        }
        let stats = monkey.stats;
        assert!(stats.answers > 20, "{stats:?}");
        total.rereads += stats.rereads;
        total.pastes_into_inputs += stats.pastes_into_inputs;
        total.pastes_over_overlays += stats.pastes_over_overlays;
    }
    // The invariants about re-reads and pastes were put to the test, not skipped.
    assert!(total.rereads >= 15, "{total:?}");
    assert!(total.pastes_into_inputs >= 150, "{total:?}");
    assert!(total.pastes_over_overlays >= 15, "{total:?}");
}
