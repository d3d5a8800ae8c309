//! Lists written as the AWS CLI would print them (JSON with the API's field names), as NDJSON,
//! CSV or a table: shared by the headless commands and the browser's export.

mod output;
mod records;

pub use output::Output;
pub use records::{AcceleratorPortMapping, Record};

/// How a headless command writes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    /// The AWS CLI's document for the same list, pages merged.
    Json,
    /// One item per line.
    Ndjson,
    Csv,
}
