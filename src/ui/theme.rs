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

const B: Modifier = Modifier::BOLD;

impl Theme {
    /// For light terminal backgrounds.
    pub const LIGHT: Theme = Theme {
        header: Style::new().fg(Color::White).bg(Color::Blue),
        crumbs: Style::new().fg(Color::Blue).add_modifier(B),
        title: Style::new().add_modifier(B),
        column_header: Style::new().fg(Color::Magenta).add_modifier(B),
        selected: Style::new().bg(Color::Gray).add_modifier(B),
        muted: Style::new().fg(Color::DarkGray),
        key: Style::new().fg(Color::Blue).add_modifier(B),
        error: Style::new().fg(Color::Red).add_modifier(B),
        info: Style::new().fg(Color::Green),
        stale: Style::new().fg(Color::Magenta).add_modifier(B),
        spinner: Style::new().fg(Color::Blue),
        field: Style::new().fg(Color::Blue),
        border: Style::new().fg(Color::DarkGray),
        allow: Style::new().fg(Color::Green),
        deny: Style::new().fg(Color::Red).add_modifier(B),
        changed: Style::new()
            .fg(Color::Magenta)
            .add_modifier(B.union(Modifier::ITALIC)),
    };

    /// No colour at all (`NO_COLOR`, `--no-color`): every state is told apart by modifiers
    /// and by the markers the text carries (▶, ✓/✗, STALE).
    pub const NO_COLOR: Theme = Theme {
        header: Style::new().add_modifier(Modifier::REVERSED),
        crumbs: Style::new().add_modifier(B),
        title: Style::new().add_modifier(B),
        column_header: Style::new().add_modifier(B.union(Modifier::UNDERLINED)),
        selected: Style::new().add_modifier(Modifier::REVERSED),
        muted: Style::new().add_modifier(Modifier::DIM),
        key: Style::new().add_modifier(B),
        error: Style::new().add_modifier(B),
        info: Style::new(),
        stale: Style::new().add_modifier(B.union(Modifier::UNDERLINED)),
        spinner: Style::new(),
        field: Style::new().add_modifier(Modifier::UNDERLINED),
        border: Style::new(),
        allow: Style::new(),
        deny: Style::new().add_modifier(B),
        changed: Style::new().add_modifier(B.union(Modifier::ITALIC)),
    };

    pub fn named(name: crate::model::ThemeName) -> &'static Theme {
        match name {
            crate::model::ThemeName::Dark => &Theme::DARK,
            crate::model::ThemeName::Light => &Theme::LIGHT,
            crate::model::ThemeName::NoColor => &Theme::NO_COLOR,
        }
    }
}

thread_local! {
    /// The theme of the frame being drawn, set from the state at the start of each draw, so
    /// drawing stays a function of the state.
    static CURRENT: std::cell::Cell<&'static Theme> = const { std::cell::Cell::new(&Theme::DARK) };
}

pub(super) fn use_theme(name: crate::model::ThemeName) {
    CURRENT.with(|c| c.set(Theme::named(name)));
}

pub fn theme() -> &'static Theme {
    CURRENT.with(std::cell::Cell::get)
}
