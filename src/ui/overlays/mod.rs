//! What floats over a screen, drawn over it: one file per overlay of `app::overlays`.

pub mod bulk;
pub mod columns;
pub mod confirm;
pub mod export;
pub mod form;
pub mod help;
pub mod messages;
pub mod profiles;
pub mod subnet_picker;
pub mod undo;
pub mod whois;
