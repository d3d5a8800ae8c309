//! The screens under the chrome: the list panes, the detail views and the mapping browser.

pub mod browser;
pub mod detail;
pub mod list;
pub mod watch;
