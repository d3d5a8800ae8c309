//! Streaming writers for the headless formats: each page is written as it arrives, so memory
//! stays flat however many items a listing has.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::PrettyFormatter;

use super::records::Record;
use crate::format::OutputFormat;
use crate::text::sanitize;

/// Widest a table column grows; longer values are cut with an ellipsis.
const MAX_COLUMN: usize = 60;

pub struct Output<W: Write> {
    format: OutputFormat,
    out: W,
    /// Strip terminal escapes from CSV too when it goes to a terminal (JSON escapes them itself).
    terminal: bool,
    items: u64,
    widths: Option<Vec<usize>>,
}

impl<W: Write> Output<W> {
    pub fn new(format: OutputFormat, out: W, terminal: bool) -> Self {
        Self {
            format,
            out,
            terminal,
            items: 0,
            widths: None,
        }
    }

    pub fn format(&self) -> OutputFormat {
        self.format
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
            OutputFormat::Table | OutputFormat::Ndjson => Ok(()),
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
            OutputFormat::Table => self.table(items)?,
        }
        Ok(())
    }

    /// Column widths come from the first page, so rows can be printed as pages arrive.
    fn table<R: Record>(&mut self, items: &[R]) -> io::Result<()> {
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|i| i.cells().iter().map(|c| sanitize(c).into_owned()).collect())
            .collect();
        if self.widths.is_none() {
            let mut widths: Vec<usize> = R::HEADINGS.iter().map(|h| h.chars().count()).collect();
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count()).min(MAX_COLUMN);
                }
            }
            let heading: Vec<String> = R::HEADINGS.iter().map(|h| h.to_string()).collect();
            self.widths = Some(widths);
            self.table_row(&heading)?;
        }
        for row in &rows {
            self.table_row(row)?;
        }
        self.items += rows.len() as u64;
        Ok(())
    }

    fn table_row(&mut self, cells: &[String]) -> io::Result<()> {
        let widths = self.widths.clone().unwrap_or_default();
        let last = cells.len().saturating_sub(1);
        let mut line = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let len = cell.chars().count();
            let shown: String = if len > w && i != last && cell.starts_with("arn:") {
                // The tail of an ARN (the resource id) is what tells rows apart.
                ['…']
                    .into_iter()
                    .chain(cell.chars().skip(len + 1 - w))
                    .collect()
            } else if len > w && i != last {
                cell.chars()
                    .take(w.saturating_sub(1))
                    .chain(['…'])
                    .collect()
            } else {
                cell.clone()
            };
            if i == last {
                line.push_str(&shown);
            } else {
                line.push_str(&format!("{shown:<w$}  "));
            }
        }
        writeln!(self.out, "{}", line.trim_end())
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
            OutputFormat::Table if self.items == 0 => writeln!(self.out, "(no {})", R::NOUN)?,
            _ => {}
        }
        self.out.flush()?;
        Ok(self.items)
    }
}
