//! `portolan journal` lists the changes portolan made; `portolan undo ID` says what undoing
//! one will do, then does it (the undo is journaled too, pointing at the entry it undid).
//! Every change reports how it went the same way (`report`).

use std::io::Write;

use super::{HeadlessError, Output};
use crate::cli::Cli;
use crate::journal::{self, Applied, Entry, Journal, Recorder, undo_words};
use crate::session::Session;
use crate::text::sanitize;

fn default_journal() -> Result<Journal, HeadlessError> {
    Journal::open_default().ok_or_else(|| {
        HeadlessError::Usage("no home directory, so no journal (set XDG_STATE_HOME)".into())
    })
}

/// `portolan journal`: every entry, oldest first, read from this machine's journal (no
/// account needed); a note on stderr counts unreadable lines.
pub fn run_journal(cli: &Cli) -> Result<(), HeadlessError> {
    let mut out = super::stdout_output(cli);
    let result = list(&default_journal()?, &mut out);
    if let Some(note) = super::hidden_note(&out) {
        eprintln!("portolan: {note}");
    }
    let unreadable = result?;
    if let Some(first) = unreadable.first() {
        eprintln!(
            "portolan: {} journal line{} could not be read (the first: {})",
            unreadable.len(),
            if unreadable.len() == 1 { "" } else { "s" },
            sanitize(first)
        );
    }
    Ok(())
}

/// Writes `journal`'s entries to `out`; the lines that could not be read.
pub fn list<W: Write>(
    journal: &Journal,
    out: &mut Output<W>,
) -> Result<Vec<String>, HeadlessError> {
    let read = journal.entries()?;
    out.begin::<Entry>()?;
    out.page(&read.entries)?;
    out.finish::<Entry>()?;
    Ok(read.unreadable)
}

/// `portolan undo ID`.
pub async fn run_undo(
    id: &str,
    session: &Session,
    out: &mut dyn Write,
) -> Result<(), HeadlessError> {
    let journal = default_journal()?;
    let entry = journal
        .find(id.trim())?
        .map_err(|e| HeadlessError::Usage(sanitize(&e).into_owned()))?;
    let words = undo_words(&entry).map_err(|e| HeadlessError::Usage(sanitize(&e).into_owned()))?;
    let what = format!("undo {}: {words}", entry.id);
    writeln!(out, "{}", sanitize(&what))?;
    let read = journal.entries()?;
    if let Some(before) = read
        .entries
        .iter()
        .rev()
        .find(|e| e.undoes.as_deref() == Some(entry.id.as_str()))
    {
        eprintln!(
            "portolan: {} already undid {1}; undoing it again puts back once more what was there before {1}",
            before.id, entry.id
        );
    }
    if entry.profile.is_some() && entry.profile.as_deref() != Some(session.profile.as_str()) {
        eprintln!(
            "portolan: {} was made with profile {}; undoing it with profile {}",
            entry.id,
            sanitize(entry.profile.as_deref().unwrap_or_default()),
            sanitize(&session.profile)
        );
    }
    out.flush()?;
    let recorder = Recorder {
        journal: Some(journal),
        profile: Some(session.profile.clone()),
        account: entry.account.clone(),
    };
    let applied = journal::undo(session.api.as_ref(), &recorder, &entry)
        .await
        .map_err(|e| HeadlessError::Usage(sanitize(&e).into_owned()))?;
    report(&applied, &what, &recorder, out)
}

/// Says how a change went: on stdout when every call was made, else on stderr with exit
/// status 1. Either way names the journal entry, which `undo` takes.
pub(super) fn report(
    applied: &Applied,
    what: &str,
    recorder: &Recorder,
    out: &mut dyn Write,
) -> Result<(), HeadlessError> {
    let summary = without_keys(&sanitize(&applied.summary(what)));
    let journaled = match (&applied.entry, &applied.journal_error, &recorder.journal) {
        (_, Some(_), _) => None,
        (Some(e), None, _) if applied.outcome.applied == 0 => {
            Some(format!("journal entry {} (nothing was changed)", e.id))
        }
        (Some(e), None, _) => Some(format!(
            "journal entry {0} (`portolan undo {0}` puts it back)",
            e.id
        )),
        (None, _, None) => Some("not journaled: no home directory to keep a journal in".into()),
        (None, None, Some(_)) => None,
    };
    if applied.complete() {
        writeln!(out, "{summary}")?;
        if let Some(line) = journaled {
            writeln!(out, "{line}")?;
        }
        out.flush()?;
        return Ok(());
    }
    if let Some(line) = journaled {
        eprintln!("portolan: {line}");
    }
    Err(HeadlessError::Failed(summary))
}

/// The client's errors end with the interactive view's keys (`refresh the list (r)`); a
/// command line has none.
fn without_keys(message: &str) -> String {
    message.replace("; refresh the list (r)", "").replace(
        "; reload the list from the start (r)",
        "; run the command again",
    )
}
