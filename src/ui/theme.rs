//! Every style the screen uses, named by what it means. Each state also carries a marker or a
//! modifier, so it still reads on a terminal without colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub header: Style,
    pub crumbs: Style,
    pub title: Style,
    pub column_header: Style,
    pub selected: Style,
    pub muted: Style,
    pub key: Style,
    pub error: Style,
    pub info: Style,
    pub stale: Style,
    pub spinner: Style,
    pub field: Style,
    pub border: Style,
    pub allow: Style,
    pub deny: Style,
    pub changed: Style,
}

impl Theme {
    pub const DARK: Theme = Theme {
        header: Style::new().fg(Color::Black).bg(Color::Cyan),
        crumbs: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        title: Style::new().add_modifier(Modifier::BOLD),
        column_header: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        selected: Style::new()
            .bg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
        muted: Style::new().fg(Color::DarkGray),
        key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        info: Style::new().fg(Color::Green),
        stale: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        spinner: Style::new().fg(Color::Magenta),
        field: Style::new().fg(Color::Yellow),
        border: Style::new().fg(Color::Gray),
        allow: Style::new().fg(Color::Green),
        deny: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        changed: Style::new()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD.union(Modifier::ITALIC)),
    };
}

pub fn theme() -> &'static Theme {
    &Theme::DARK
}
