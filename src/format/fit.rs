//! Fitting a table into a terminal: the one place cells are measured, cut and padded, so the
//! rule "names may be cut with `…`, ids and numbers never" is kept (and tested) here.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::records::{Column, Fit};

/// Gap between two columns.
pub const GAP: usize = 2;
/// Narrowest a name is cut to before a column is hidden instead.
const NAME_MIN: usize = 12;

/// Which columns are shown, how wide, and which were hidden to make room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Indexes into the record's columns, in table order.
    pub shown: Vec<usize>,
    pub widths: Vec<usize>,
    /// Headings of the columns left out, in table order.
    pub hidden: Vec<&'static str>,
}

pub fn width(s: &str) -> usize {
    s.width()
}

/// Lays out `columns` (their natural widths in `natural`) in `room` terminal columns, or
/// with every column whole when there is no terminal to fit.
pub fn layout(columns: &[Column], natural: &[usize], room: Option<usize>) -> Layout {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let Some(room) = room else {
        return Layout {
            widths: natural.to_vec(),
            shown,
            hidden: Vec::new(),
        };
    };
    let least = |i: usize| match columns[i].fit {
        Fit::Name => natural[i].min(NAME_MIN.max(width(columns[i].heading))),
        Fit::Whole => natural[i],
    };
    let kept = (0..columns.len()).filter(|&i| columns[i].hide_order == 0);
    let floor = kept.clone().map(least).sum::<usize>() + GAP * kept.count().saturating_sub(1);
    if floor > room {
        // Lines wrap whatever is hidden: hiding would only lose what they say.
        return Layout {
            widths: natural.to_vec(),
            shown,
            hidden: Vec::new(),
        };
    }
    loop {
        let gaps = GAP * shown.len().saturating_sub(1);
        let full: usize = shown.iter().map(|&i| natural[i]).sum::<usize>() + gaps;
        let tight: usize = shown.iter().map(|&i| least(i)).sum::<usize>() + gaps;
        let hide = shown
            .iter()
            .enumerate()
            .filter(|&(_, &i)| columns[i].hide_order > 0)
            .max_by_key(|&(_, &i)| columns[i].hide_order)
            .map(|(at, _)| at);
        let widths: Vec<usize> = if full <= room {
            shown.iter().map(|&i| natural[i]).collect()
        } else if tight <= room || hide.is_none() {
            // Names get back what room there is, the first name first.
            let mut spare = room.saturating_sub(tight);
            shown
                .iter()
                .map(|&i| {
                    let extra = (natural[i] - least(i)).min(spare);
                    spare -= extra;
                    least(i) + extra
                })
                .collect()
        } else {
            if let Some(at) = hide {
                shown.remove(at);
            }
            continue;
        };
        let hidden = (0..columns.len())
            .filter(|i| !shown.contains(i))
            .map(|i| columns[i].heading)
            .collect();
        return Layout {
            shown,
            widths,
            hidden,
        };
    }
}

/// `cell` in a column `w` wide: a name too long is cut and ends in `…`; anything else is kept
/// whole even if it overruns the column (a later page may hold a longer id than the first).
pub fn fitted(cell: &str, fit: Fit, w: usize, cut: bool) -> String {
    if !cut || fit == Fit::Whole || width(cell) <= w {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// One table line: cells padded to their widths, the last one unpadded.
pub fn line(cells: &[String], widths: &[usize]) -> String {
    let mut out = String::new();
    let last = cells.len().saturating_sub(1);
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        out.push_str(cell);
        if i != last {
            let pad = w.saturating_sub(width(cell)) + GAP;
            out.extend(std::iter::repeat_n(' ', pad));
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column {
            heading: "NAME",
            fit: Fit::Name,
            hide_order: 0,
            wide_only: false,
        },
        Column {
            heading: "PORT",
            fit: Fit::Whole,
            hide_order: 0,
            wide_only: false,
        },
        Column {
            heading: "ARN",
            fit: Fit::Whole,
            hide_order: 2,
            wide_only: false,
        },
        Column {
            heading: "SUBNET",
            fit: Fit::Whole,
            hide_order: 1,
            wide_only: false,
        },
    ];

    #[test]
    fn without_a_terminal_every_column_is_whole() {
        let l = layout(COLUMNS, &[40, 5, 90, 24], None);
        assert_eq!(l.shown, vec![0, 1, 2, 3]);
        assert_eq!(l.widths, vec![40, 5, 90, 24]);
        assert!(l.hidden.is_empty());
    }

    #[test]
    fn names_are_cut_before_any_column_is_hidden() {
        // 40 + 5 + 90 + 24 + 6 gaps = 165; names may give up to 28.
        let l = layout(COLUMNS, &[40, 5, 90, 24], Some(160));
        assert_eq!(l.shown, vec![0, 1, 2, 3]);
        assert_eq!(l.widths, vec![35, 5, 90, 24]);
    }

    #[test]
    fn columns_that_do_not_fit_are_hidden_in_their_order_never_cut() {
        let l = layout(COLUMNS, &[40, 5, 90, 24], Some(80));
        assert_eq!(l.shown, vec![0, 1, 3]);
        assert_eq!(l.hidden, vec!["ARN"]);
        assert_eq!(l.widths, vec![40, 5, 24]);
        let l = layout(COLUMNS, &[40, 5, 90, 24], Some(30));
        assert_eq!(l.hidden, vec!["ARN", "SUBNET"]);
        assert_eq!(l.widths, vec![23, 5], "the name takes what is left");
        // When the columns that are never hidden overflow anyway, nothing is hidden or cut.
        let l = layout(COLUMNS, &[40, 5, 90, 24], Some(10));
        assert_eq!(l.shown, vec![0, 1, 2, 3]);
        assert_eq!(l.widths, vec![40, 5, 90, 24]);
        assert!(l.hidden.is_empty());
    }

    #[test]
    fn only_names_are_cut_and_a_cut_name_ends_in_an_ellipsis() {
        assert_eq!(fitted("game-eu-central-1", Fit::Name, 8, true), "game-eu…");
        assert_eq!(fitted("宽字符宽字符", Fit::Name, 6, true), "宽字…");
        assert_eq!(fitted("game", Fit::Name, 8, true), "game");
        assert_eq!(
            fitted("game-eu-central-1", Fit::Name, 8, false),
            "game-eu-central-1"
        );
        assert_eq!(
            fitted("99.83.16.21:54442", Fit::Whole, 8, true),
            "99.83.16.21:54442"
        );
        for w in 1..20 {
            let cut = fitted("game-eu-central-1", Fit::Name, w, true);
            assert!(width(&cut) <= w.max(1), "{w}: {cut}");
        }
    }

    #[test]
    fn lines_pad_by_display_width() {
        let cells = ["宽字".to_string(), "x".to_string(), "end".to_string()];
        assert_eq!(line(&cells, &[6, 3, 3]), "宽字    x    end");
    }
}
