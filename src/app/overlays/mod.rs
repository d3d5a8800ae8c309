//! What floats over a screen, one file each: its state, keys and hints.

pub mod confirm;
pub mod create;
pub mod export;
pub mod fields;
pub mod form;
pub mod messages;
pub mod profiles;
pub mod whois;
