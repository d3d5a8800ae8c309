//! The one place cells are fitted to a width, so that no cell lies: a cut cell ends in `…`,
//! and numbers, ports, addresses and ids are never cut — a column too narrow for its values
//! is dropped instead, and the frame says which are hidden (k9s does the same). Every list
//! pane, the mapping browser, frame titles and the status bar fit their text here.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a column holds, which decides whether its cells may be cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A name a person gave: may be cut, and then ends in `…`.
    Name,
    /// Numbers, ports and port ranges: whole or not shown.
    Number,
    /// An id (ARN part, subnet, region): whole or not shown, or it cannot be pasted.
    Id,
    /// An IP address or socket: whole or not shown.
    Address,
    /// A short word such as a status or ALLOW/DENY: whole or not shown.
    Word,
    /// Ids one after another (a group's subnets): shortened only between them, each id whole,
    /// and then ends in `…`; narrower than its `min` (one id and the `…`), not shown.
    List,
}

impl Kind {
    pub fn may_cut(self) -> bool {
        self == Kind::Name
    }

    /// Whether a cell may be made shorter than it is (a name cut, a list shortened).
    fn shortens(self) -> bool {
        matches!(self, Kind::Name | Kind::List)
    }
}

/// A column: its title, what it holds, how narrow a name may get (`min`) and how wide it
/// asks to be before less important columns get room (`ideal`); priority 0 is kept longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub title: &'static str,
    pub kind: Kind,
    pub min: u16,
    pub ideal: u16,
    pub priority: u8,
}

impl ColumnSpec {
    pub const fn name(title: &'static str, min: u16, ideal: u16, priority: u8) -> Self {
        Self {
            title,
            kind: Kind::Name,
            min,
            ideal,
            priority,
        }
    }

    /// Ids one after another, shortened only between them: at least `min` cells (one id and
    /// a `…`), at most `ideal` before other columns get room.
    pub const fn list(title: &'static str, min: u16, ideal: u16, priority: u8) -> Self {
        Self {
            title,
            kind: Kind::List,
            min,
            ideal,
            priority,
        }
    }

    /// A column whose cells are never cut.
    pub const fn whole(title: &'static str, kind: Kind, priority: u8) -> Self {
        Self {
            title,
            kind,
            min: 0,
            ideal: u16::MAX,
            priority,
        }
    }
}

/// Columns fitted to a width: the width of each column (`None`: hidden) and the cells as
/// they are to be drawn, of the shown columns only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    pub widths: Vec<Option<u16>>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Fitted {
    /// Titles of the columns that did not fit.
    pub fn hidden(&self, columns: &[ColumnSpec]) -> Vec<&'static str> {
        columns
            .iter()
            .zip(&self.widths)
            .filter(|(_, w)| w.is_none())
            .map(|(c, _)| c.title)
            .collect()
    }

    /// Indices of the columns shown, in order.
    pub fn shown(&self) -> Vec<usize> {
        (0..self.widths.len())
            .filter(|&i| self.widths[i].is_some())
            .collect()
    }

    pub fn shown_widths(&self) -> Vec<u16> {
        self.widths.iter().flatten().copied().collect()
    }
}

pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn width16(text: &str) -> u16 {
    u16::try_from(width(text)).unwrap_or(u16::MAX)
}

/// `text` in at most `max` cells: whole if it fits, otherwise cut with `…` at the end.
pub fn cut(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` in at most `max` cells, cut only between words (so no number is ever cut in
/// two), ending in `…` when cut. Nothing fits: just `…` (or nothing at all in 0 cells).
pub fn cut_words(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            let head = text[..i].trim_end();
            if width(head) + 1 > max {
                break;
            }
            end = head.len();
        }
    }
    format!("{}…", &text[..end])
}

/// Fits `rows` (cells in column order) into `available` cells with `spacing` between shown
/// columns. Columns are served in priority order: each gets its values' width (a name: up
/// to `ideal`, at least `min`) or is hidden; what is left widens the cut names.
pub fn fit(columns: &[ColumnSpec], rows: &[Vec<String>], available: u16, spacing: u16) -> Fitted {
    let natural: Vec<u16> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| width16(cell))
                .max()
                .unwrap_or(0)
                .max(width16(c.title))
        })
        .collect();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| (columns[i].priority, i));
    let mut widths: Vec<Option<u16>> = vec![None; columns.len()];
    let mut remaining = available;
    let mut any = false;
    for &i in &order {
        let c = &columns[i];
        let gap = if any { spacing } else { 0 };
        let Some(room) = remaining.checked_sub(gap) else {
            continue;
        };
        let (want, floor) = if c.kind.shortens() {
            (natural[i].min(c.ideal.max(1)), natural[i].min(c.min.max(1)))
        } else {
            (natural[i], natural[i])
        };
        let take = if want <= room {
            want
        } else if floor <= room {
            room
        } else {
            continue;
        };
        widths[i] = Some(take);
        remaining = room - take;
        any = true;
    }
    for &i in &order {
        if let Some(w) = widths[i].as_mut()
            && columns[i].kind.shortens()
        {
            let more = natural[i].saturating_sub(*w).min(remaining);
            *w += more;
            remaining -= more;
        }
    }
    let shown: Vec<(usize, u16)> = widths
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|w| (i, w)))
        .collect();
    let header = shown
        .iter()
        .map(|&(i, w)| cut(columns[i].title, usize::from(w)))
        .collect();
    let rows = rows
        .iter()
        .map(|row| {
            shown
                .iter()
                .map(|&(i, w)| {
                    let cell = row.get(i).map_or("", String::as_str);
                    match columns[i].kind {
                        Kind::List => cut_words(cell, usize::from(w)),
                        _ => cut(cell, usize::from(w)),
                    }
                })
                .collect()
        })
        .collect();
    Fitted {
        widths,
        header,
        rows,
    }
}

/// Fits the columns `shown` (indices into `columns`, in the order to show them) of `rows`
/// (cells of every column): the wide view and chosen columns keep the rule that an id or a
/// number is never cut — what does not fit is dropped, and named by `Fitted::hidden` against
/// the specs returned.
pub fn fit_shown(
    columns: &[ColumnSpec],
    shown: &[usize],
    rows: &[Vec<String>],
    available: u16,
    spacing: u16,
) -> (Vec<ColumnSpec>, Fitted) {
    let shown: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|&i| i < columns.len())
        .collect();
    let specs: Vec<ColumnSpec> = shown.iter().map(|&i| columns[i]).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            shown
                .iter()
                .map(|&i| row.get(i).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    let fitted = fit(&specs, &cells, available, spacing);
    (specs, fitted)
}

/// A part of a one-line text (a frame title, the status bar).
#[derive(Debug, Clone)]
pub struct Part<S> {
    pub text: String,
    pub style: S,
    pub kind: Kind,
    pub priority: u8,
}

impl<S> Part<S> {
    /// Whole or left out.
    pub fn whole(text: impl Into<String>, style: S, priority: u8) -> Self {
        Self {
            text: text.into(),
            style,
            kind: Kind::Word,
            priority,
        }
    }

    /// May be cut, with `…`.
    pub fn name(text: impl Into<String>, style: S, priority: u8) -> Self {
        Self {
            text: text.into(),
            style,
            kind: Kind::Name,
            priority,
        }
    }
}

/// The parts that fit in `available` cells, in their order: the most important first get
/// their room, a name part may be cut (keeping at least a few cells), the rest left out.
pub fn line<S: Clone>(parts: &[Part<S>], available: u16) -> Vec<(String, S)> {
    let columns: Vec<ColumnSpec> = parts
        .iter()
        .map(|p| ColumnSpec {
            title: "",
            kind: p.kind,
            min: 6,
            ideal: 24,
            priority: p.priority,
        })
        .collect();
    let row = vec![parts.iter().map(|p| p.text.clone()).collect::<Vec<_>>()];
    let fitted = fit(&columns, &row, available, 0);
    fitted
        .shown()
        .into_iter()
        .zip(fitted.rows.into_iter().next().unwrap_or_default())
        .map(|(i, text)| {
            let whole = &parts[i].text;
            // A part that ends in a space keeps it when cut, so a frame title reads
            // "name… ─" and not "name…─".
            let text = if text != *whole && whole.ends_with(' ') {
                format!("{} ", cut(whole.trim_end(), width(&text).saturating_sub(1)))
            } else {
                text
            };
            (text, parts[i].style.clone())
        })
        .collect()
}

#[cfg(test)]
#[path = "fit_tests.rs"]
mod tests;
