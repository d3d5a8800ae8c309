//! A long monkey run: `cargo run --release --example monkey -- [EVENTS] [SEED]` feeds random
//! keys, pastes, resizes and answers to the real `update` and renderer and prints the tally.

use std::time::Instant;

#[path = "../tests/monkey_engine/mod.rs"]
mod monkey_engine;

fn main() {
    let mut args = std::env::args().skip(1);
    let events: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let started = Instant::now();
    let mut monkey = monkey_engine::Monkey::new(seed);
    // Where the events landed: every screen and modal should show up.
    let mut seen = std::collections::BTreeMap::<String, u64>::new();
    let mut result = Ok(monkey.stats);
    for _ in 0..events {
        if let Err(e) = monkey.step() {
            result = Err(e);
            break;
        }
        *seen.entry(monkey.whereabouts()).or_default() += 1;
    }
    for (place, n) in &seen {
        println!("  {place:<28} {n}");
    }
    match result.map(|_| monkey.stats) {
        Ok(stats) => {
            println!(
                "{} events (seed {seed}) in {:.1} s: {} keys, {} pastes, {} resizes, {} answers ({} failures), {} late answers to abandoned requests, {} restarts after quitting, {} re-reads completed, {} pastes into inputs, {} pastes over overlays without one, {} live toggles, {} creates; no invariant broken",
                stats.events,
                started.elapsed().as_secs_f64(),
                stats.keys,
                stats.pastes,
                stats.resizes,
                stats.answers,
                stats.failures,
                stats.stale_answers,
                stats.restarts,
                stats.rereads,
                stats.pastes_into_inputs,
                stats.pastes_over_overlays,
                stats.live_toggles,
                stats.creates
            );
        }
        Err(e) => {
            eprintln!(
                "invariant broken after {} events (seed {seed}): {e}",
                monkey.stats.events
            );
            std::process::exit(1);
        }
    }
}
