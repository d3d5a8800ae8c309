//! The help's lines fit its box, so none is cut at the border.

use super::{KEYS, WIDTH};
use crate::app::keymap::KeyMap;
use crate::ui::fit::width;

#[test]
fn every_line_of_the_help_fits_inside_its_box() {
    let room = usize::from(WIDTH) - 2;
    for (section, lines) in KeyMap::default().help() {
        for (keys, action) in lines {
            assert!(
                width(&keys) < KEYS - 2,
                "{section}: the keys {keys:?} run into their action"
            );
            assert!(
                KEYS + width(action) <= room,
                "{section}: {keys} {action:?} is cut at the help's border ({} > {room})",
                KEYS + width(action)
            );
        }
    }
}
