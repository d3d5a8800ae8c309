//! Tests of the list engine.
