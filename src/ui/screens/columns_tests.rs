//! Chosen columns and the wide view keep the rule of `ui::fit`: ids, numbers and addresses are
//! whole or not shown, what is not shown is named, and the table never overruns its width —
//! for every view's real columns, in any order and any choice, at any width.

use proptest::prelude::*;

use crate::app::columns::{ColumnChoice, View};
use crate::app::rows::SubnetEndpoint;
use crate::model::{Accelerator, EndpointGroup, Listener};
use crate::ui::fit::{ColumnSpec, Kind, fit_shown, width};
use crate::ui::screens::browser_columns;
use crate::ui::screens::list::{COLUMN_SPACING, Fit};

fn specs(view: View) -> &'static [ColumnSpec] {
    match view {
        View::Accelerators => Accelerator::SPECS,
        View::Listeners => Listener::SPECS,
        View::Groups => EndpointGroup::SPECS,
        View::Subnets => SubnetEndpoint::SPECS,
        View::Browser => browser_columns::COLUMNS,
        View::Watch => crate::app::watch::WatchItem::SPECS,
        View::Audit => crate::app::screens::audit::AuditRow::SPECS,
    }
}

/// A long value of the kind a column holds: every cell wider than most columns get.
fn cell(kind: Kind, n: usize) -> String {
    match kind {
        Kind::Name => format!("a-long-accelerator-name-of-the-game-team-{n}"),
        Kind::Number => format!("{}-{} {}", 10_000 + n, 30_000 + n, 65_535 - n),
        Kind::Address => format!("75.2.16.{n} 99.83.20.{n}:54442"),
        Kind::Id => format!(
            "arn:aws:globalaccelerator::111122223333:accelerator/3f1c2b7e-5d4a-4e2b-9c1d-0a7e6f5b4c3d/listener/0a1b2c3d/endpoint-group/{n}b2c3d4e5f6a"
        ),
        Kind::Word => "✗ OFF (allow)".into(),
        Kind::List => (0..=n)
            .map(|i| format!("subnet-0{i}{n}a1b2c3d4e5f6a7"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn check(view: View, shown: &[usize], available: u16) {
    let all = specs(view);
    let rows: Vec<Vec<String>> = (0..4)
        .map(|n| all.iter().map(|s| cell(s.kind, n)).collect())
        .collect();
    let (chosen, fitted) = fit_shown(all, shown, &rows, available, COLUMN_SPACING);
    assert_eq!(chosen.len(), shown.len());
    let hidden = fitted.hidden(&chosen);
    let on_show = fitted.shown();
    // Every chosen column is shown or named as hidden, never both.
    assert_eq!(hidden.len() + on_show.len(), shown.len());
    let used: u16 = fitted.shown_widths().iter().sum::<u16>()
        + COLUMN_SPACING * u16::try_from(on_show.len().saturating_sub(1)).unwrap();
    assert!(
        used <= available,
        "{view:?} {shown:?} at {available}: {used}"
    );
    for (r, row) in fitted.rows.iter().enumerate() {
        for (at, &c) in on_show.iter().enumerate() {
            let whole = &rows[r][shown[c]];
            let drawn = &row[at];
            if chosen[c].kind.may_cut() {
                assert!(
                    drawn == whole || drawn.ends_with('…'),
                    "a cut name ends in …: {drawn}"
                );
            } else if chosen[c].kind == Kind::List && drawn != whole {
                // Shortened between ids only: what is left is whole ids, then `…`.
                let head = drawn.strip_suffix('…').expect("a shortened list ends in …");
                assert!(
                    whole.starts_with(head)
                        && whole[head.len()..].starts_with(' ')
                        && !head.is_empty(),
                    "{view:?} {}: {drawn} / {whole}",
                    chosen[c].title
                );
            } else {
                assert_eq!(
                    drawn, whole,
                    "{view:?} {} cut at {available}",
                    chosen[c].title
                );
            }
            assert!(width(drawn) <= usize::from(fitted.shown_widths()[at]));
        }
    }
}

#[test]
fn every_view_fits_the_columns_it_has() {
    for view in View::ALL {
        let titles: Vec<&str> = view.columns().iter().map(|c| c.title).collect();
        let fitted: Vec<&str> = specs(view).iter().map(|c| c.title).collect();
        assert_eq!(titles, fitted, "{view:?}: its fit specs follow its columns");
        // Only names people gave may be cut: every other column is whole or hidden.
        for spec in specs(view) {
            let name = matches!(
                (view, spec.title),
                (View::Accelerators, "NAME")
                    | (View::Subnets, "NAME")
                    | (View::Browser, "ACCELERATOR" | "INSTANCE")
                    | (View::Watch, "ACCELERATOR" | "CHANGE")
                    | (View::Audit, "ACCELERATOR" | "INSTANCE" | "WHAT TO DO")
            );
            assert_eq!(spec.kind.may_cut(), name, "{view:?} {}", spec.title);
        }
    }
}

#[test]
fn the_wide_view_never_cuts_an_id_or_a_number_at_any_width() {
    for view in View::ALL {
        let mut choice = ColumnChoice::default();
        choice.set_wide(view, true);
        let shown = choice.shown(view);
        assert_eq!(shown.len(), view.columns().len(), "wide shows every column");
        for available in [0, 1, 20, 58, 78, 120, 158, 240, 400] {
            check(view, &shown, available);
        }
    }
}

fn view_and_choice() -> impl Strategy<Value = (View, Vec<usize>, bool)> {
    (0..View::ALL.len()).prop_flat_map(|v| {
        let view = View::ALL[v];
        let n = view.columns().len();
        (
            Just(view),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
            1..=n,
            any::<bool>(),
        )
            .prop_map(|(view, order, keep, wide)| (view, order[..keep].to_vec(), wide))
    })
}

proptest! {
    #[test]
    fn chosen_columns_in_any_order_never_cut_an_id_or_a_number(
        (view, chosen, wide) in view_and_choice(),
        available in 0u16..260,
    ) {
        let mut choice = ColumnChoice::default();
        choice.choose(view, chosen);
        choice.set_wide(view, wide);
        check(view, &choice.shown(view), available);
    }
}
