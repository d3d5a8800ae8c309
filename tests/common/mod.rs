pub mod emulator;
pub mod pty;
pub mod stand_in;
