pub mod emulator;
pub mod pty;
pub mod runner;
pub mod stand_in;
