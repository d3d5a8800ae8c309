//! What only a real terminal needs: ending cleanly on a signal, handing the terminal back on
//! Ctrl-Z, and restoring it however the loop ends.

use std::io;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;

/// Resolves on SIGTERM or SIGHUP (an SSH session dropping), so the terminal is restored
/// before the process ends.
#[cfg(unix)]
pub(super) async fn terminated() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
}

#[cfg(not(unix))]
pub(super) async fn terminated() {
    std::future::pending().await
}

/// Ctrl-Z: give the terminal back, stop until `fg`, then take it again.
#[cfg(unix)]
pub(super) fn suspend(mouse: bool) -> io::Result<bool> {
    restore(mouse);
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    // Running again.
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        EnableBracketedPaste
    )?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(true)
}

#[cfg(not(unix))]
pub(super) fn suspend(_mouse: bool) -> io::Result<bool> {
    Ok(false)
}

pub(super) fn restore(mouse: bool) {
    if mouse {
        let _ = execute!(io::stdout(), DisableMouseCapture);
    }
    let _ = execute!(io::stdout(), DisableBracketedPaste, crossterm::cursor::Show);
    ratatui::restore();
}
