//! The config file's `[columns]` table: the columns each view shows, by title, in order, and
//! `wide`, the views shown wide. Read like the rest of the file (a bad name is a problem with
//! its line, and the rest still applies); written with `toml_edit`, so the file's comments,
//! order and layout stay as the user left them and only these values change.

use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml_edit::{Array, DocumentMut, Item, Value};

use super::{Problem, line_of};
use crate::app::columns::{ColumnChoice, View};

/// The `[columns]` part of `portolan config default`: every view at its defaults, commented.
pub fn config_default() -> String {
    let mut out = String::from(
        "\n# Columns of each view, by title, in the order shown: the column chooser (C) writes\n\
         # them here, and the wide view (Ctrl-W) adds the wide columns to them. `wide` lists the\n\
         # views shown wide. Every view at its defaults, with its other columns after `#`:\n\
         # [columns]\n",
    );
    for view in View::ALL {
        let columns = view.columns();
        let titles = |wide: bool| -> Vec<String> {
            columns
                .iter()
                .filter(|c| c.wide == wide)
                .map(|c| format!("{:?}", c.title))
                .collect()
        };
        out.push_str(&format!(
            "# {} = [{}]  # also: {}\n",
            view.name(),
            titles(false).join(", "),
            titles(true).join(", ")
        ));
    }
    out.push_str("# wide = []\n");
    out
}

fn names() -> String {
    View::ALL.map(View::name).join(", ")
}

/// Reads the `[columns]` table; what is wrong in it, each with its line.
pub(super) fn parse(table: &DeTable<'_>, text: &str, file: &Path) -> (ColumnChoice, Vec<Problem>) {
    let mut choice = ColumnChoice::default();
    let mut problems = Vec::new();
    let mut problem = |offset: usize, key: String, message: String| {
        problems.push(Problem {
            file: file.to_path_buf(),
            line: line_of(text, offset),
            key,
            message,
        });
    };
    for (key, value) in table {
        let name: &str = key.get_ref();
        let key_at = key.span().start;
        let full = format!("columns.{name}");
        let DeValue::Array(list) = value.get_ref() else {
            problem(
                key_at,
                full,
                "expected a list of names in quotes; ignored".into(),
            );
            continue;
        };
        let mut strings = Vec::new();
        for item in list {
            match item.get_ref() {
                DeValue::String(s) => strings.push((s.to_string(), item.span().start)),
                _ => problem(
                    item.span().start,
                    full.clone(),
                    "expected a name in quotes; left out".into(),
                ),
            }
        }
        if name == "wide" {
            for (text, at) in strings {
                match View::from_name(text.trim()) {
                    Some(view) => choice.set_wide(view, true),
                    None => problem(
                        at,
                        full.clone(),
                        format!("no view {text:?}, left out (views: {})", names()),
                    ),
                }
            }
            continue;
        }
        let Some(view) = View::from_name(name) else {
            problem(
                key_at,
                full,
                format!("no such view, ignored (views: {}, and wide)", names()),
            );
            continue;
        };
        let titles: Vec<&str> = view.columns().iter().map(|c| c.title).collect();
        let mut chosen = Vec::new();
        for (text, at) in strings {
            match view.column(&text) {
                Some(c) if chosen.contains(&c) => {
                    problem(at, full.clone(), format!("{text:?} is listed twice"));
                }
                Some(c) => chosen.push(c),
                None => problem(
                    at,
                    full.clone(),
                    format!(
                        "no column {text:?} in {name}, left out (columns: {})",
                        titles.join(", ")
                    ),
                ),
            }
        }
        if chosen.is_empty() {
            problem(
                key_at,
                full,
                "no column to show; the default columns are used".into(),
            );
        }
        choice.choose(view, chosen);
    }
    (choice, problems)
}

/// Writes `choice` into the config file at `path` (made if missing): only the `[columns]`
/// values change. A view already in the file is rewritten even at its defaults, so a comment
/// above it stays; a view not in it is added only when chosen.
pub fn save(path: &Path, choice: &ColumnChoice) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.to_string()),
    };
    let text = edit(&text, choice)?;
    write(path, &text).map_err(|e| e.to_string())
}

/// The file's text with `choice` in its `[columns]` table.
pub fn edit(text: &str, choice: &ColumnChoice) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let line = e.span().map_or(0, |s| line_of(text, s.start));
        format!("it does not read as TOML (line {line}), so it is left as it is")
    })?;
    if !doc.contains_key("columns") {
        // A new table goes at the end, after the comments that close the file (the last
        // table's own, as they read), not between that table and them.
        let trailer = doc.trailing().as_str().unwrap_or_default().to_string();
        doc.set_trailing("");
        let mut table = toml_edit::Table::new();
        if !trailer.is_empty() {
            let gap = if trailer.ends_with("\n\n") { "" } else { "\n" };
            table.decor_mut().set_prefix(format!("{trailer}{gap}"));
        }
        doc.insert("columns", Item::Table(table));
    }
    let table = doc["columns"]
        .as_table_like_mut()
        .ok_or("its `columns` is not a table, so it is left as it is")?;
    for view in View::ALL {
        let titles = choice.titles(view);
        if titles.is_none() && table.get(view.name()).is_none() {
            continue;
        }
        let titles = titles.unwrap_or_else(|| {
            view.defaults()
                .into_iter()
                .map(|i| view.columns()[i].title)
                .collect()
        });
        set(table, view.name(), titles.into_iter().collect());
    }
    let wide: Array = choice.wide_views().into_iter().map(View::name).collect();
    if !wide.is_empty() || table.get("wide").is_some() {
        set(table, "wide", wide);
    }
    Ok(doc.to_string())
}

/// Sets `key` to `list`, keeping the comments and spacing around the value it replaces.
fn set(table: &mut dyn toml_edit::TableLike, key: &str, list: Array) {
    let mut value = Value::Array(list);
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Some(item) => *item = Item::Value(value),
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// Replaces the file in one step (a new file renamed over it), keeping its permissions; a
/// symlinked file (a dotfiles checkout) is replaced where the link points.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path);
    let path = real.as_deref().unwrap_or(path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
