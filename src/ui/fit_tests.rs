use proptest::prelude::*;

use super::*;

const BROWSER_LIKE: &[ColumnSpec] = &[
    ColumnSpec::whole("PORT", Kind::Number, 0),
    ColumnSpec::whole("DESTINATION", Kind::Address, 0),
    ColumnSpec::whole("TRAFFIC", Kind::Word, 0),
    ColumnSpec::name("ACCELERATOR", 8, 20, 1),
    ColumnSpec::whole("SUBNET", Kind::Id, 2),
];

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(ToString::to_string).collect()
}

#[test]
fn cut_ends_in_an_ellipsis_and_fits() {
    assert_eq!(cut("game-eu-central", 8), "game-eu…");
    assert_eq!(cut("game", 8), "game");
    assert_eq!(cut("game", 1), "…");
    assert_eq!(cut("game", 0), "");
    assert_eq!(cut("名前の長い", 5), "名前…");
}

#[test]
fn cut_words_never_splits_a_number() {
    let text = "traffic denied: 10.48.24.4:7777 for subnet-0abc";
    assert_eq!(cut_words(text, 30), "traffic denied:…");
    assert_eq!(cut_words(text, 33), "traffic denied: 10.48.24.4:7777…");
    assert_eq!(cut_words(text, 200), text);
    assert_eq!(cut_words("54442", 3), "…");
}

#[test]
fn a_narrow_width_hides_the_least_important_column_whole() {
    let rows = vec![row(&[
        "54442",
        "10.48.24.4:7777",
        "ALLOW",
        "game-eu-central",
        "subnet-0123456789abcdef0",
    ])];
    let wide = fit(BROWSER_LIKE, &rows, 200, 2);
    assert!(wide.hidden(BROWSER_LIKE).is_empty());
    assert_eq!(wide.rows[0][3], "game-eu-central");
    let narrow = fit(BROWSER_LIKE, &rows, 50, 2);
    assert_eq!(narrow.hidden(BROWSER_LIKE), vec!["SUBNET"]);
    assert_eq!(narrow.rows[0][0], "54442");
    assert_eq!(narrow.rows[0][1], "10.48.24.4:7777");
    // Narrower still: the name is cut, with an ellipsis, before a number would be.
    let tight = fit(BROWSER_LIKE, &rows, 42, 2);
    assert_eq!(tight.rows[0][3], "game-eu-…");
    assert_eq!(tight.shown_widths().iter().sum::<u16>() + 2 * 3, 42);
}

#[test]
fn a_line_keeps_its_important_parts_whole() {
    let parts = [
        Part::whole("loaded 2000 · more… ", (), 0),
        Part::name("all mappings of a-very-long-accelerator-name ", (), 1),
        Part::whole("─ 15 of 2000 loaded match the filter ", (), 2),
    ];
    let shown: Vec<String> = line(&parts, 50).into_iter().map(|(t, ())| t).collect();
    assert_eq!(shown[0], "loaded 2000 · more… ");
    assert!(
        shown[1].ends_with("… "),
        "a cut title part keeps its space: {shown:?}"
    );
    assert_eq!(shown.len(), 2);
    assert!(shown.iter().map(|s| width(s)).sum::<usize>() <= 50);
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Name),
        Just(Kind::Number),
        Just(Kind::Id),
        Just(Kind::Address),
        Just(Kind::Word),
    ]
}

fn columns() -> impl Strategy<Value = Vec<ColumnSpec>> {
    prop::collection::vec((kind(), 0u16..12, 0u16..40, 0u8..5), 1..9).prop_map(|specs| {
        specs
            .into_iter()
            .map(|(kind, min, ideal, priority)| ColumnSpec {
                title: "COL",
                kind,
                min,
                ideal,
                priority,
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn fitted_cells_never_lie(
        columns in columns(),
        rows in prop::collection::vec(prop::collection::vec("[a-z0-9.:名 -]{0,30}", 9), 0..6),
        available in 0u16..200,
        spacing in 0u16..3,
    ) {
        let fitted = fit(&columns, &rows, available, spacing);
        let shown = fitted.shown();
        let widths = fitted.shown_widths();
        let used: u16 = widths.iter().sum::<u16>()
            + spacing * u16::try_from(shown.len().saturating_sub(1)).unwrap();
        prop_assert!(used <= available, "{used} > {available}");
        for (r, original) in rows.iter().enumerate() {
            for (s, &i) in shown.iter().enumerate() {
                let cell = &fitted.rows[r][s];
                prop_assert!(width(cell) <= usize::from(widths[s]));
                if columns[i].kind.may_cut() {
                    prop_assert!(cell == &original[i] || cell.ends_with('…'),
                        "cut name without an ellipsis: {cell:?} of {:?}", original[i]);
                } else {
                    prop_assert_eq!(cell, &original[i], "a whole column was cut");
                }
            }
        }
    }

    #[test]
    fn cut_words_keeps_every_word_whole(
        words in prop::collection::vec("[a-z0-9.:]{1,8}", 0..12),
        max in 0usize..60,
    ) {
        let text = words.join(" ");
        let out = cut_words(&text, max);
        prop_assert!(width(&out) <= max);
        if out != text {
            prop_assert!(max == 0 || out.ends_with('…'));
            let head = out.trim_end_matches('…');
            for (i, w) in head.split(' ').filter(|w| !w.is_empty()).enumerate() {
                prop_assert_eq!(w, words[i].as_str());
            }
        }
    }
}
