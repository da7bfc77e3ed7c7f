//! The line formats fed arbitrary bytes: SNAP edge lists (as follows and as ratings), ratings
//! CSV and Higgs activity, the first byte choosing (see common.rs).
#![no_main]

#[path = "common.rs"]
mod common;

use socialset_ingest::{EdgeKind, Format};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (format, kind) = match pick % 4 {
        0 => (Format::Snap, None),
        1 => (Format::Snap, Some(EdgeKind::Rating)),
        2 => (Format::RatingsCsv, None),
        _ => (Format::Higgs, None),
    };
    common::read_all(format, kind, rest);
});
