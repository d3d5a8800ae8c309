//! portolan: a terminal UI for AWS Global Accelerator custom routing, and a local emulator of
//! the service that speaks its wire protocol.

pub mod api;
pub mod emulator;
pub mod model;
