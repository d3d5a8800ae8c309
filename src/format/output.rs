//! Streaming writers for the headless formats: each page is written as it arrives, so memory
//! stays flat however many items a listing has.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::PrettyFormatter;

use super::OutputFormat;
use super::fit::{self, Layout};
use super::records::{Column, Record};
use crate::text::sanitize;

/// Accelerator names by ARN, so a table names the accelerator a mapping belongs to.
#[derive(Debug, Clone, Default)]
pub struct AcceleratorNames(HashMap<String, String>);

impl AcceleratorNames {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// The name, or the whole ARN for an accelerator not in the list (never a cut one).
    pub fn name_of<'a>(&'a self, arn: &'a str) -> &'a str {
        self.0.get(arn).map_or(arn, String::as_str)
    }
}

pub struct Output<W: Write> {
    format: OutputFormat,
    out: W,
    /// Strip terminal escapes from CSV too when it goes to a terminal (JSON escapes them itself).
    terminal: bool,
    /// Terminal columns a `table` is fitted into; `None` (a pipe, a file) prints every cell whole.
    room: Option<usize>,
    names: AcceleratorNames,
    items: u64,
    layout: Option<Layout>,
}

impl<W: Write> Output<W> {
    pub fn new(format: OutputFormat, out: W, terminal: bool) -> Self {
        Self {
            format,
            out,
            terminal,
            room: None,
            names: AcceleratorNames::default(),
            items: 0,
            layout: None,
        }
    }

    /// Fits `table` output into a terminal this many columns wide (`-o wide` never is).
    #[must_use]
    pub fn fitted_to(mut self, columns: Option<usize>) -> Self {
        self.room = columns.filter(|_| self.format == OutputFormat::Table);
        self
    }

    pub fn set_names(&mut self, names: AcceleratorNames) {
        self.names = names;
    }

    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Headings of the columns a terminal table left out to fit, for a note on stderr.
    pub fn hidden_columns(&self) -> &[&'static str] {
        self.layout.as_ref().map_or(&[], |l| l.hidden.as_slice())
    }

    /// Terminal columns the table was fitted into.
    pub fn room(&self) -> Option<usize> {
        self.room
    }

    /// The underlying writer, for output that is not a list.
    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn begin<R: Record>(&mut self) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => write!(self.out, "{{\n    \"{}\": [", R::LIST_KEY),
            OutputFormat::Csv => self.csv_rows(std::iter::once(
                R::COLUMNS.iter().map(|c| c.to_string()).collect(),
            )),
            OutputFormat::Table | OutputFormat::Wide | OutputFormat::Ndjson => Ok(()),
        }
    }

    /// Quoting is the csv crate's; each page is encoded then written, so nothing accumulates.
    fn csv_rows(&mut self, rows: impl Iterator<Item = Vec<String>>) -> io::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        for row in rows {
            w.write_record(&row)?;
        }
        let buf = w
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.out.write_all(&buf)
    }

    pub fn page<R: Record>(&mut self, items: &[R]) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                for item in items {
                    let sep = if self.items == 0 { "\n" } else { ",\n" };
                    let mut buf = Vec::new();
                    let mut ser = serde_json::Serializer::with_formatter(
                        &mut buf,
                        PrettyFormatter::with_indent(b"    "),
                    );
                    item.to_json().serialize(&mut ser)?;
                    let text = String::from_utf8_lossy(&buf);
                    let indented: Vec<String> =
                        text.lines().map(|l| format!("        {l}")).collect();
                    write!(self.out, "{sep}{}", indented.join("\n"))?;
                    self.items += 1;
                }
            }
            OutputFormat::Ndjson => {
                for item in items {
                    serde_json::to_writer(&mut self.out, &item.to_json())?;
                    self.out.write_all(b"\n")?;
                    self.items += 1;
                }
            }
            OutputFormat::Csv => {
                let terminal = self.terminal;
                let rows = items.iter().map(|item| {
                    let cells = item.cells();
                    if terminal {
                        cells.iter().map(|c| sanitize(c).into_owned()).collect()
                    } else {
                        cells
                    }
                });
                self.csv_rows(rows)?;
                self.items += items.len() as u64;
            }
            OutputFormat::Table | OutputFormat::Wide => self.table(items)?,
        }
        Ok(())
    }

    /// The columns this format shows: `-o wide` adds the ids beside the names.
    fn columns<R: Record>(&self) -> Vec<(usize, &'static Column)> {
        R::TABLE
            .iter()
            .enumerate()
            .filter(|(_, c)| self.format == OutputFormat::Wide || !c.wide_only)
            .collect()
    }

    /// Column widths come from the first page, so rows can be printed as pages arrive.
    fn table<R: Record>(&mut self, items: &[R]) -> io::Result<()> {
        let columns = self.columns::<R>();
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|item| {
                let cells = item.row(&self.names);
                columns
                    .iter()
                    .map(|&(i, _)| sanitize(cells.get(i).map_or("", String::as_str)).into_owned())
                    .collect()
            })
            .collect();
        if self.layout.is_none() && !rows.is_empty() {
            let mut natural: Vec<usize> =
                columns.iter().map(|(_, c)| fit::width(c.heading)).collect();
            for row in &rows {
                for (w, cell) in natural.iter_mut().zip(row) {
                    *w = (*w).max(fit::width(cell));
                }
            }
            let shown: Vec<Column> = columns.iter().map(|&(_, c)| *c).collect();
            let layout = fit::layout(&shown, &natural, self.room);
            let heading: Vec<String> = layout
                .shown
                .iter()
                .map(|&i| shown[i].heading.to_string())
                .collect();
            let line = fit::line(&heading, &layout.widths);
            self.layout = Some(layout);
            writeln!(self.out, "{line}")?;
        }
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        let cut = self.room.is_some();
        for row in &rows {
            let cells: Vec<String> = layout
                .shown
                .iter()
                .zip(&layout.widths)
                .map(|(&i, &w)| fit::fitted(&row[i], columns[i].1.fit, w, cut))
                .collect();
            writeln!(self.out, "{}", fit::line(&cells, &layout.widths))?;
        }
        self.items += rows.len() as u64;
        Ok(())
    }

    pub fn finish<R: Record>(&mut self) -> io::Result<u64> {
        match self.format {
            OutputFormat::Json => {
                let close = if self.items == 0 {
                    "]\n}\n"
                } else {
                    "\n    ]\n}\n"
                };
                self.out.write_all(close.as_bytes())?;
            }
            OutputFormat::Table | OutputFormat::Wide if self.items == 0 => {
                writeln!(self.out, "(no {})", R::NOUN)?;
            }
            _ => {}
        }
        self.out.flush()?;
        Ok(self.items)
    }
}
