//! What every target does: read arbitrary bytes as one format to the end. Errors are answers
//! too; a panic, a hang or a reader that never ends is a failure.

use socialset_ingest::{EdgeKind, Format, ReadOptions, RecordReader};

/// Panics raised inside socialset's calls into the Parquet and Arrow decoders (which panic on
/// some damaged files) unwind to its `catch_unwind` and must come out as errors of the file;
/// every other panic — one of socialset's own — still aborts the run, as libfuzzer-sys's hook
/// makes every panic do.
fn contain_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !socialset_ingest::inside_contained_decoder() {
                abort(info);
            }
        }));
    });
}

pub fn read_all(format: Format, edge_kind: Option<EdgeKind>, data: &[u8]) {
    if matches!(format, Format::Parquet | Format::Arrow) {
        contain_decoder_panics();
    }
    let mut options = ReadOptions::new(format);
    if let Some(kind) = edge_kind {
        options.edge_kind = kind;
    }
    // A few bytes of Parquet can stand for millions of rows of one repeated value: held, as
    // the server holds an upload, to what its size can honestly unpack to.
    if matches!(format, Format::Parquet | Format::Arrow) {
        options.limits.max_decompressed_bytes = 8 * data.len() as u64 + 64;
    }
    let reader = RecordReader::from_bytes(data.to_vec(), "fuzz", &options);
    let limit = 10 * data.len() + 10;
    for (i, r) in reader.enumerate() {
        let _ = r;
        assert!(i < limit, "the reader does not end");
    }
}
