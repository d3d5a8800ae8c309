//! The screens under the chrome: the list panes, the detail views and the mapping browser.

pub mod audit;
pub mod browser;
mod browser_columns;
pub mod detail;
pub mod list;

#[cfg(test)]
mod columns_tests;
pub mod watch;
