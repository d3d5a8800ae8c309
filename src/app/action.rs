//! What goes into `update` (actions: input, answers, progress) and what comes out of it
//! (effects the loop runs), with the small values they carry.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};

use super::call::{Call, Reply, RequestId};
use super::changes::{ChangeJob, ChangeResult, Journaled};
use super::overlays::profiles;
use super::screens::browser;
use crate::api::ApiError;
use crate::format::OutputFormat;

#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passed: ages and the spinner move on.
    Tick,
    /// A call finished.
    Reply {
        id: RequestId,
        result: Result<Reply, ApiError>,
    },
    /// An export finished: how many rows went to `path`, or why it failed.
    Exported {
        path: PathBuf,
        result: Result<u64, String>,
    },
    /// An index build read this many mappings (of at most `bound`).
    IndexProgress {
        id: RequestId,
        read: usize,
        bound: u64,
    },
    /// The profile names of the AWS config files, or why they could not be read.
    Profiles {
        id: RequestId,
        result: Result<Vec<String>, String>,
    },
    /// A session for `profile` is ready, or why not.
    Switched {
        id: RequestId,
        profile: String,
        result: Result<profiles::Connected, String>,
    },
    /// An index build ended: mappings and bytes saved, or why not.
    IndexBuilt {
        id: RequestId,
        result: Result<(usize, u64), String>,
    },
    /// The column choice was written to the config file at `path`, or why not.
    ColumnsSaved {
        path: PathBuf,
        result: Result<(), String>,
    },
    /// The runner wrote a change to the journal, or could not.
    Journaled(Journaled),
    /// A bulk change or undo made `done` of its `total` calls.
    ChangeProgress {
        id: RequestId,
        done: usize,
        total: usize,
    },
    /// A bulk change or undo ended.
    ChangeDone {
        id: RequestId,
        result: ChangeResult,
    },
    /// The watch's pins file was read, or could not be read or written.
    PinFile(super::watch::PinFile),
    /// EC2 answered a lookup of the join, or could not.
    Ec2 {
        id: RequestId,
        result: Result<super::join::Ec2Answer, super::join::Ec2Failure>,
    },
    /// A running audit read further.
    AuditProgress {
        id: RequestId,
        progress: super::screens::audit::AuditProgress,
    },
    /// An audit ended: what it found, or why it could not run.
    Audited {
        id: RequestId,
        result: Result<super::screens::audit::AuditReport, super::screens::audit::AuditFailure>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Call {
        id: RequestId,
        call: Call,
    },
    /// The answer to this request is no longer wanted: stop the task.
    Cancel(RequestId),
    /// Put text on the clipboard of the terminal (OSC 52).
    Copy(String),
    /// Write mappings to a file.
    Export(ExportJob),
    /// Build and save the mapping index of an accelerator (cancelled with `Cancel(id)`).
    BuildIndex {
        id: RequestId,
        accelerator: crate::model::Accelerator,
        store: PathBuf,
    },
    /// Read the profile names of the AWS config files.
    ListProfiles {
        id: RequestId,
    },
    /// Connect anew with this profile (cancelled with `Cancel(id)`).
    SwitchProfile {
        id: RequestId,
        profile: String,
    },
    /// Keep the column choice in the config file's `[columns]` table.
    SaveColumns {
        path: PathBuf,
        choice: super::columns::ColumnChoice,
    },
    /// A bulk change or an undo, made and journaled by the runner.
    Change {
        id: RequestId,
        job: ChangeJob,
    },
    /// Read the account's watched pins from the pins file in `dir`.
    LoadPins {
        dir: PathBuf,
        account: String,
    },
    /// Replace the account's pins in the pins file in `dir` (the last one asked for wins).
    SavePins {
        dir: PathBuf,
        account: String,
        pins: Vec<crate::model::watch::Pin>,
    },
    /// Ring the terminal bell (a watched socket changed and `watch_bell` is on).
    Bell,
    /// Ask EC2 what the join needs (cancelled with `Cancel(id)`).
    Ec2 {
        id: RequestId,
        lookup: super::join::Ec2Lookup,
    },
    /// Run the ALLOW audit of the account with EC2 (cancelled with `Cancel(id)`).
    Audit {
        id: RequestId,
    },
}

/// Mappings to write to a file, in one of the headless formats.
#[derive(Debug, Clone)]
pub struct ExportJob {
    pub path: PathBuf,
    pub format: OutputFormat,
    pub rows: ExportRows,
}

#[derive(Debug, Clone)]
pub enum ExportRows {
    /// The rows loaded in the browser (a copy: the browser goes on loading), only those at
    /// `shown` (table indices) when its filter narrows them.
    Loaded {
        table: Box<browser::table::MappingTable>,
        shown: Option<Vec<u32>>,
        by_destination: bool,
    },
    /// Every page of the source, read as the file is written.
    All(browser::Source),
}

impl PartialEq for ExportJob {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.format == other.format
    }
}

impl Eq for ExportJob {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

/// Where the data comes from, shown in the header so nobody acts on the wrong account.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The AWS profile, or a description such as "demo".
    pub profile: String,
    pub endpoint: Option<String>,
    /// Taken from the first ARN loaded; no extra call.
    pub account: Option<String>,
}
