//! What every target does: read arbitrary bytes as one format to the end. Errors are answers
//! too; a panic, a hang or a reader that never ends is a failure.

use socialset_ingest::{EdgeKind, Format, ReadOptions, RecordReader};

pub fn read_all(format: Format, edge_kind: Option<EdgeKind>, data: &[u8]) {
    let mut options = ReadOptions::new(format);
    if let Some(kind) = edge_kind {
        options.edge_kind = kind;
    }
    let reader = RecordReader::from_bytes(data.to_vec(), "fuzz", &options);
    let limit = 10 * data.len() + 10;
    for (i, r) in reader.enumerate() {
        let _ = r;
        assert!(i < limit, "the reader does not end");
    }
}
