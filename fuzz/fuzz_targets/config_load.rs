#![no_main]
//! See `tests/fuzz_checks/mod.rs` for what this target checks; `tests/fuzz_replay.rs`
//! replays `tests/fuzz_inputs/config_load/` through the same function on stable.

#[path = "../../tests/fuzz_checks/mod.rs"]
#[allow(dead_code)]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::config_load(data));
