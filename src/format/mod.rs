//! Lists written as the AWS CLI would print them (JSON with the API's field names), as NDJSON,
//! CSV or a table: shared by the headless commands and the browser's export.

mod audit;
mod fit;
mod journal;
mod output;
mod records;
mod watch;

pub use audit::checked_json;
pub use output::{AcceleratorNames, Output};
pub use records::{AcceleratorPortMapping, Column, DestinationHolder, Fit, Record};
pub use watch::{WatchEvent, WatchEventKind};

/// How a list is written. Tables are for people; the rest for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Names first; on a terminal, fitted to its width (names may be cut with `…`, ids and
    /// numbers never: a column that does not fit is hidden, and stderr says which).
    Table,
    /// Every column, names and whole ids side by side, nothing cut or hidden.
    Wide,
    /// The AWS CLI's document for the same list, pages merged.
    Json,
    /// One item per line.
    Ndjson,
    Csv,
}

impl OutputFormat {
    /// Formats people read, which name accelerators rather than only giving their ARNs.
    pub fn is_table(self) -> bool {
        matches!(self, OutputFormat::Table | OutputFormat::Wide)
    }
}
