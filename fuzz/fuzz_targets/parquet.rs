//! The parquet table reader fed arbitrary bytes (see common.rs).
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::read_all(socialset_ingest::Format::Parquet, None, data);
});
