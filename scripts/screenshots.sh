#!/usr/bin/env bash
# Takes the README's screenshots again from the real binary on the demo account and writes them
# into assets/screenshots/ (SVG drawn from the terminal's own cells). `cargo test` fails while
# the committed ones differ from what the binary draws.
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATE_SCREENSHOTS=1 cargo test --test screenshots -- --nocapture
