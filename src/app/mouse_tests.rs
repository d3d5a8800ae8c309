//! The mouse: off by default; when on, the wheel scrolls, a click selects the row under it
//! and a click on the path goes back.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::*;

fn click(state: &mut State, column: u16, row: u16) -> Vec<Effect> {
    mouse(state, MouseEventKind::Down(MouseButton::Left), column, row)
}

fn mouse(state: &mut State, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
    update(
        state,
        Action::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }),
    )
}

#[test]
fn the_mouse_does_nothing_unless_turned_on() {
    let mut s = loaded(20);
    click(&mut s, 10, 7);
    mouse(&mut s, MouseEventKind::ScrollDown, 10, 7);
    assert_eq!(accelerator_pane(&s).selected_index(), 0);
}

#[test]
fn a_click_selects_the_row_under_it_and_the_wheel_scrolls() {
    let mut s = loaded(20);
    s.mouse = true;
    // Header, path, the frame's top border, the column titles: the first row is on line 4.
    click(&mut s, 10, 7);
    assert_eq!(accelerator_pane(&s).selected_index(), 3);
    click(&mut s, 10, 4);
    assert_eq!(accelerator_pane(&s).selected_index(), 0);
    // Below the last row, on the frame or the status bar: nothing happens.
    click(&mut s, 10, 3);
    click(&mut s, 10, 29);
    assert_eq!(accelerator_pane(&s).selected_index(), 0);
    mouse(&mut s, MouseEventKind::ScrollDown, 10, 10);
    assert_eq!(accelerator_pane(&s).selected_index(), 3);
    mouse(&mut s, MouseEventKind::ScrollUp, 10, 10);
    assert_eq!(accelerator_pane(&s).selected_index(), 0);
    // With a filter line the rows start one lower.
    ch(&mut s, '/');
    typed(&mut s, "accel-001");
    key(&mut s, KeyCode::Enter);
    assert_eq!(accelerator_pane(&s).visible_len(), 10);
    click(&mut s, 10, 7);
    assert_eq!(
        accelerator_pane(&s).selected().map(|a| a.name.as_str()),
        Some("accel-0012")
    );
    // A click past the last row selects nothing new.
    click(&mut s, 10, 20);
    assert_eq!(
        accelerator_pane(&s).selected().map(|a| a.name.as_str()),
        Some("accel-0012")
    );
}

#[test]
fn a_click_on_the_frame_below_the_rows_selects_nothing() {
    let mut s = loaded(40);
    s.mouse = true;
    // 30 rows: rows on lines 4 to 26, the frame's bottom border on 27.
    click(&mut s, 10, 26);
    assert_eq!(accelerator_pane(&s).selected_index(), 22);
    click(&mut s, 10, 27);
    assert_eq!(accelerator_pane(&s).selected_index(), 22);
    assert_eq!(accelerator_pane(&s).offset(), 0, "nothing scrolled");
}

#[test]
fn a_click_on_the_path_goes_back_to_that_step() {
    let mut s = loaded(5);
    s.mouse = true;
    let effects = key(&mut s, KeyCode::Enter);
    let acc = accelerator(0);
    let (id, _) = calls(&effects)[0].clone();
    reply(
        &mut s,
        id,
        Reply::Listeners(page(vec![listener(&acc, 1)], None)),
    );
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screens.len(), 3);
    // " accelerators › accel-0000 › listener …": a click on the last step does nothing,
    // on the first goes back to the top.
    assert_eq!(crate::app::mouse::crumb_at(&s, 0), None);
    assert_eq!(crate::app::mouse::crumb_at(&s, 1), Some(0));
    assert_eq!(crate::app::mouse::crumb_at(&s, 12), Some(0));
    assert_eq!(crate::app::mouse::crumb_at(&s, 13), None);
    assert_eq!(crate::app::mouse::crumb_at(&s, 16), Some(1));
    click(&mut s, 30, 1);
    assert_eq!(s.screens.len(), 3);
    click(&mut s, 16, 1);
    assert_eq!(s.screens.len(), 2);
    click(&mut s, 3, 1);
    assert_eq!(s.screens.len(), 1);
}

#[test]
fn a_cut_path_still_maps_clicks_to_steps() {
    let mut s = loaded(5);
    key(&mut s, KeyCode::Enter);
    // 20 columns: " accelerators › accel-0000" (26) is cut to " …" and its last 18.
    s.size = (20, 30);
    assert_eq!(
        crate::app::mouse::crumb_at(&s, 1),
        None,
        "the ellipsis is no step"
    );
    // Column x shows line index x + 6: 2 and 6 are inside "accelerators" (1-12), 8 is on
    // the separator, 10 starts "accel-0000".
    assert_eq!(crate::app::mouse::crumb_at(&s, 2), Some(0));
    assert_eq!(crate::app::mouse::crumb_at(&s, 6), Some(0));
    assert_eq!(crate::app::mouse::crumb_at(&s, 8), None, "the separator");
    assert_eq!(crate::app::mouse::crumb_at(&s, 10), Some(1));
}
