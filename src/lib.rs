//! portolan: a terminal UI for AWS Global Accelerator custom routing, and a local emulator of
//! the service that speaks its wire protocol.

pub mod api;
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod ec2;
pub mod emulator;
pub mod format;
pub mod headless;
pub mod index;
pub mod journal;
pub mod logging;
pub mod model;
pub mod profiles;
pub mod session;
pub mod text;
pub mod tui;
pub mod ui;
pub mod watch;
