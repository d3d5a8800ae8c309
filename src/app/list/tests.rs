//! Tests of the list engine on its own: the pager's gathering rule, the cursor, identity kept
//! through re-reads and sorts, the filter a chunk at a time, change marks.

use std::time::{Duration, Instant};

use super::cursor::Cursor;
use super::{Column, FILTER_CHUNK, Landed, ListPane, Row};
use crate::app::live::HIGHLIGHT;

#[derive(Debug, Clone, PartialEq)]
struct Item {
    id: String,
    port: u32,
    state: &'static str,
}

impl Row for Item {
    const COLUMNS: &'static [Column] = &[
        Column::text("ID", 4, true),
        Column::number("PORT", 5),
        Column::text("STATE", 5, false),
    ];

    fn cells(&self) -> Vec<String> {
        vec![self.id.clone(), self.port.to_string(), self.state.into()]
    }

    fn id(&self) -> &str {
        &self.id
    }
}

fn item(id: &str, port: u32) -> Item {
    Item {
        id: id.into(),
        port,
        state: "ok",
    }
}

fn items(range: std::ops::Range<u32>) -> Vec<Item> {
    range.map(|i| item(&format!("i{i}"), 1000 + i)).collect()
}

/// A list with `pages` pages of 10 loaded and more to come after them.
fn paged(pages: u32, now: Instant) -> ListPane<Item> {
    let mut list = ListPane::default();
    list.begin_reload(1);
    list.page_arrived(items(0..10), Some("t1".into()), now);
    for p in 1..pages {
        list.begin_next_page(p.into(), format!("t{p}"));
        list.page_arrived(items(p * 10..p * 10 + 10), Some(format!("t{}", p + 1)), now);
    }
    list
}

fn selected_id(list: &ListPane<Item>) -> &str {
    list.selected().map_or("", |i| i.id.as_str())
}

#[test]
fn a_re_read_gathers_its_pages_until_it_covers_what_was_loaded() {
    let now = Instant::now();
    let mut list = paged(3, now);
    assert_eq!(list.rows().len(), 30);
    list.begin_reload(10);
    assert!(list.pager.is_rereading());
    // The first two pages are not enough: the rows on screen stay, the re-read goes on.
    assert_eq!(
        list.page_arrived(items(0..10), Some("t1".into()), now),
        Some("t1".into())
    );
    list.begin_next_page(11, "t1".into());
    assert_eq!(
        list.page_arrived(items(10..20), Some("t2".into()), now),
        Some("t2".into())
    );
    assert_eq!(list.rows().len(), 30, "the loaded rows stay meanwhile");
    list.begin_next_page(12, "t2".into());
    assert_eq!(
        list.page_arrived(items(20..50), Some("t3".into()), now),
        None
    );
    assert!(!list.pager.is_rereading());
    assert_eq!(
        list.rows().len(),
        50,
        "replaced once it covers them, never shrunk"
    );
    assert_eq!(list.pager.next_token(), Some("t3"));
    // A source that ends sooner ends the re-read with what it has.
    list.begin_reload(13);
    assert_eq!(list.page_arrived(items(0..5), None, now), None);
    assert_eq!(list.rows().len(), 5);
    assert!(list.is_complete());
}

#[test]
fn a_re_read_keeps_the_cursor_on_its_item_wherever_it_lands() {
    let now = Instant::now();
    let mut list = paged(2, now);
    list.move_by(7);
    assert_eq!(selected_id(&list), "i7");
    list.begin_reload(5);
    let mut reordered = items(0..20);
    reordered.reverse();
    list.page_arrived(reordered, Some("t2".into()), now);
    assert_eq!(selected_id(&list), "i7");
    assert_eq!(list.selected_index(), 12);
    // Gone: the cursor stays where it is, and goes back to the item once a page brings it.
    list.begin_reload(6);
    let without: Vec<Item> = items(0..20).into_iter().filter(|i| i.id != "i7").collect();
    list.page_arrived(without, Some("t2".into()), now);
    assert_eq!(list.selected_index(), 12);
    list.begin_next_page(7, "t2".into());
    list.page_arrived(vec![item("i7", 1)], None, now);
    assert_eq!(selected_id(&list), "i7");
}

#[test]
fn a_re_read_marks_new_and_changed_rows_and_the_marks_fade() {
    let now = Instant::now();
    let mut list = ListPane::default();
    list.begin_reload(1);
    list.page_arrived(items(0..3), None, now);
    assert!(list.changed.is_empty(), "a first load marks nothing");
    list.begin_reload(2);
    let mut again = items(0..4);
    again[1].state = "changed";
    list.page_arrived(again, None, now);
    let mut marked: Vec<&str> = list.changed.keys().map(String::as_str).collect();
    marked.sort_unstable();
    assert_eq!(marked, ["i1", "i3"]);
    assert!(list.is_marked(1) && !list.is_marked(0));
    list.fade(now + HIGHLIGHT - Duration::from_millis(1));
    assert_eq!(list.changed.len(), 2);
    list.fade(now + HIGHLIGHT);
    assert!(list.changed.is_empty());
}

#[test]
fn g_follows_the_pages_to_the_end_and_a_move_stops_it() {
    let now = Instant::now();
    let mut list = paged(1, now);
    list.select_last();
    assert!(list.pager.follows_to_end());
    let token = list.wants_next_page(5).expect("the cursor is at the end");
    list.begin_next_page(2, token);
    // A second G while the page is on its way is not lost.
    list.select_last();
    assert!(list.pager.follows_to_end());
    list.page_arrived(items(10..20), Some("t2".into()), now);
    assert_eq!(list.selected_index(), 19);
    list.begin_next_page(3, "t2".into());
    list.page_arrived(items(20..25), None, now);
    assert_eq!(list.selected_index(), 24);
    assert!(!list.pager.follows_to_end(), "the end is the end");

    let mut list = paged(1, now);
    list.select_last();
    list.move_by(-1);
    assert!(!list.pager.follows_to_end());
}

#[test]
fn a_failure_holds_paging_until_the_user_moves() {
    let now = Instant::now();
    let mut list = paged(1, now);
    list.select_last();
    let token = list.wants_next_page(5).unwrap();
    list.begin_next_page(2, token);
    list.failed("throttled".into());
    assert!(list.pager.stale && list.pager.error.is_some());
    assert_eq!(list.rows().len(), 10, "rows kept");
    assert_eq!(list.wants_next_page(5), None, "no retry by itself");
    list.move_by(0);
    assert_eq!(list.wants_next_page(5).as_deref(), Some("t1"));
}

#[test]
fn the_cursor_stays_in_the_view_and_the_window_follows_it() {
    let mut c = Cursor::default();
    c.move_by(-3, 10);
    assert_eq!(c.selected, 0);
    c.move_by(25, 10);
    assert_eq!(c.selected, 9);
    c.scroll_into_view(4, 10);
    assert_eq!(c.offset, 6);
    c.first();
    c.scroll_into_view(4, 10);
    assert_eq!(c.offset, 0);
    c.move_by(3, 10);
    c.clamp(2);
    assert_eq!(c.selected, 1);
    c.move_by(1, 0);
    assert_eq!(c.selected, 0, "an empty view holds the cursor at 0");
}

#[test]
fn sorting_is_typed_and_keeps_the_selection_through_pages() {
    let now = Instant::now();
    let mut list = ListPane::default();
    list.begin_reload(1);
    let rows = vec![item("a", 10), item("b", 9), item("c", 100)];
    list.page_arrived(rows, Some("t1".into()), now);
    list.move_by(1);
    list.cycle_sort();
    list.cycle_sort();
    assert_eq!(list.sort, Some((1, false)), "by PORT");
    let order: Vec<u32> = list.visible().map(|i| i.port).collect();
    assert_eq!(order, [9, 10, 100], "ports as numbers");
    assert_eq!(selected_id(&list), "b");
    list.begin_next_page(2, "t1".into());
    list.page_arrived(vec![item("d", 1)], None, now);
    assert_eq!(
        list.visible_row(0).unwrap().id,
        "d",
        "a new page is sorted in"
    );
    assert_eq!(selected_id(&list), "b");
    list.reverse_sort();
    assert_eq!(list.visible_row(0).unwrap().port, 100);
    assert_eq!(selected_id(&list), "b");
    list.cycle_sort();
    list.cycle_sort();
    assert_eq!(list.sort, None);
    assert!(list.view().is_none(), "the order read needs no view");
    assert_eq!(selected_id(&list), "b");
}

#[test]
fn a_filter_looks_at_a_chunk_per_step_and_then_finds_the_selection_again() {
    let now = Instant::now();
    let n = u32::try_from(FILTER_CHUNK).unwrap() * 2 + 10;
    let mut list = ListPane::default();
    list.begin_reload(1);
    list.page_arrived(items(0..n), None, now);
    list.move_by(99_999);
    assert_eq!(selected_id(&list), "i99999");
    list.filter.input = tui_input::Input::new("9".into());
    list.refilter();
    assert_eq!(
        list.filter_progress(),
        Some((FILTER_CHUNK, n as usize)),
        "one chunk at the keystroke"
    );
    assert_eq!(list.wants_next_page(1000), None);
    let mut later = 0;
    loop {
        later += 1;
        if !list.filter_step() {
            break;
        }
    }
    assert_eq!(
        later, 2,
        "two more chunks: the second and the last ten rows"
    );
    assert!(list.filter_progress().is_none());
    let expected = (0..n)
        .filter(|i| format!("i{i} {}", 1000 + i).contains('9'))
        .count();
    assert_eq!(list.visible_len(), expected);
    assert_eq!(selected_id(&list), "i99999", "back on the row it was on");
    // A longer needle narrows what the finished filter found.
    list.filter.input = tui_input::Input::new("99999".into());
    list.refilter();
    while list.filter_step() {}
    assert!(
        list.visible()
            .all(|i| i.cells().join(" ").contains("99999"))
    );
    assert_eq!(selected_id(&list), "i99999");
    // Pages that arrive once it is done are filtered as they come.
    list.filter.input = tui_input::Input::new("new".into());
    list.refilter();
    while list.filter_step() {}
    assert_eq!(list.visible_len(), 0);
    list.begin_next_page(2, "more".into());
    list.page_arrived(vec![item("new-1", 1), item("old", 2)], None, now);
    assert_eq!(list.visible_len(), 1);
    assert!(list.filter_progress().is_none());
}

#[test]
fn a_small_list_filters_at_once_and_clearing_the_filter_restores_the_order() {
    let now = Instant::now();
    let mut list = paged(1, now);
    list.move_by(3);
    list.filter.input = tui_input::Input::new("i3".into());
    list.refilter();
    assert!(list.filter_progress().is_none(), "done in the first chunk");
    assert_eq!(list.visible_len(), 1);
    assert_eq!(selected_id(&list), "i3");
    list.filter.input.reset();
    list.refilter();
    assert!(list.view().is_none());
    assert_eq!(list.selected_index(), 3);
}

#[test]
fn arrivals_report_what_is_new() {
    let now = Instant::now();
    let mut list = paged(1, now);
    list.begin_next_page(2, "t1".into());
    let first = list.receiver().len();
    list.receiver().extend(items(10..12));
    assert_eq!(list.arrived(first, None, now), Landed::From(10));
    list.begin_reload(3);
    list.receiver().extend(items(0..12));
    assert_eq!(list.arrived(0, None, now), Landed::From(0));
}
