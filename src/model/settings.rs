//! Choices of the user's that more than one front end reads.

/// Which colours to draw with; `NoColor` when `NO_COLOR` is set or `--no-color` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    NoColor,
}
