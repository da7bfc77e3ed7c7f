//! The SQLite store: transactions, upserts, persistence.

use socialset_model::{Account, AccountId, Follow, Record, Timestamp};
use socialset_store::{Counts, SqliteStore, Store};

fn follow(a: &str, b: &str) -> Record {
    Record::Follow(Follow {
        src: AccountId::new(a),
        dst: AccountId::new(b),
        at: Timestamp::from_epoch_ms(1_000),
    })
}

#[test]
fn an_import_dropped_without_commit_leaves_nothing() {
    let mut store = SqliteStore::in_memory().expect("store");
    {
        let mut tx = store.begin_import().expect("tx");
        tx.put(&follow("x:a", "x:b")).expect("put");
    }
    assert_eq!(store.counts().expect("counts"), Counts::default());
    let mut tx = store.begin_import().expect("tx");
    tx.put(&follow("x:a", "x:b")).expect("put");
    tx.commit().expect("commit");
    let counts = store.counts().expect("counts");
    assert_eq!((counts.accounts, counts.follows), (2, 1));
}

#[test]
fn account_upserts_never_replace_known_values_with_missing_ones() {
    let mut store = SqliteStore::in_memory().expect("store");
    let mut full = Account::bare(AccountId::new("x:a"));
    full.followers = Some(10);
    full.handle = Some("a".into());
    let mut newer = Account::bare(AccountId::new("x:a"));
    newer.followers = Some(12);
    let mut tx = store.begin_import().expect("tx");
    tx.put(&Record::Account(full)).expect("put");
    tx.put(&Record::Account(newer)).expect("put");
    tx.put(&follow("x:a", "x:b")).expect("put");
    tx.commit().expect("commit");
    let accounts = store.accounts().expect("accounts");
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].1.followers, Some(12));
    assert_eq!(accounts[0].1.handle.as_deref(), Some("a"));
    assert_eq!(accounts[1].1.platform.as_deref(), Some("x"));
}

#[test]
fn the_store_persists_and_meta_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.db");
    {
        let mut store = SqliteStore::open(&path).expect("open");
        let mut tx = store.begin_import().expect("tx");
        tx.put(&follow("x:a", "x:b")).expect("put");
        tx.commit().expect("commit");
        store.set_meta("made_by", "test").expect("meta");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.counts().expect("counts").follows, 1);
    assert_eq!(
        store.meta("made_by").expect("meta").as_deref(),
        Some("test")
    );
    assert_eq!(store.meta("absent").expect("meta"), None);
}

#[test]
fn accounts_and_edges_interleaved_get_distinct_indices() {
    let mut store = SqliteStore::in_memory().expect("store");
    let mut tx = store.begin_import().expect("tx");
    tx.put(&follow("x:a", "x:b")).expect("put");
    tx.put(&Record::Account(Account::bare(AccountId::new("x:c"))))
        .expect("put");
    tx.put(&follow("x:d", "x:c")).expect("put");
    tx.put(&Record::Account(Account::bare(AccountId::new("x:a"))))
        .expect("put");
    tx.put(&follow("x:e", "x:a")).expect("put");
    tx.commit().expect("commit");
    let ids: Vec<String> = store
        .accounts()
        .expect("accounts")
        .into_iter()
        .map(|(_, a)| a.id.to_string())
        .collect();
    assert_eq!(ids, ["x:a", "x:b", "x:c", "x:d", "x:e"]);
    assert_eq!(store.counts().expect("counts").follows, 3);
}
