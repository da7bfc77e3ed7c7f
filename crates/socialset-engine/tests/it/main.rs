//! Engine integration tests: imports are atomic, idempotent and explain bad input.

mod audit;
mod bad_input;

mod brand;
mod campaign;
mod claims;
mod exports;
mod idempotence;
mod layers;
mod plan;
mod sentiment;
mod trust;
mod ugc;

use std::path::{Path, PathBuf};

use socialset_engine::{ImportOptions, NoProgress, Workspace};
use socialset_model::Account;
use socialset_store::{Counts, SqliteStore, Store, StoredInteraction};

/// Everything a store holds that an import can change, for before/after comparisons.
#[derive(Debug, PartialEq)]
pub struct Dump {
    counts: Counts,
    accounts: Vec<Account>,
    interactions: Vec<StoredInteraction>,
    ratings: Vec<f64>,
}

pub fn dump(db: &Path) -> Dump {
    let store = SqliteStore::open(db).expect("open store");
    Dump {
        counts: store.counts().expect("counts"),
        accounts: store
            .accounts()
            .expect("accounts")
            .into_iter()
            .map(|(_, a)| a)
            .collect(),
        interactions: store.interactions().expect("interactions"),
        ratings: store.rating_values().expect("ratings"),
    }
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

pub fn import(
    db: &Path,
    files: &[PathBuf],
    options: &ImportOptions,
) -> socialset_engine::Result<socialset_engine::ImportReport> {
    let mut ws = Workspace::open(db)?;
    ws.import(files, options, &mut NoProgress)
}

/// A store with some real content: the JSONL fixture below.
pub const GOOD_JSONL: &str = r#"{"type":"account","id":"tw:ann","handle":"ann","followers":1200,"created_at":"2010-05-01T10:00:00Z"}
{"type":"follow","src":"tw:bob","dst":"tw:ann","at":1341100972}
{"type":"post","id":"tw:p1","author":"tw:ann","at":"2012-07-04T08:00:00Z","text":"Higgs! #physics","hashtags":["physics"]}
{"type":"interaction","src":"tw:bob","dst":"tw:ann","kind":"reply","at":1341388900,"post":"tw:p1"}
{"type":"rating","src":"tw:bob","dst":"tw:ann","value":8,"at":1341388900}
{"type":"conversion","campaign":"summer","member":"tw:ann","kind":"sale","value_eur":19.9,"code":"ANN10"}
"#;
