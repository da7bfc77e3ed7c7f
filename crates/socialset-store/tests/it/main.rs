//! The stores, SQLite and PostgreSQL, held to the same tests: transactions, upserts,
//! persistence, and the same reads after the same records. PostgreSQL runs when
//! `SOCIALSET_TEST_POSTGRES` names a server (CI starts one with .ci/postgres-start); each test
//! gets a fresh database there.

use socialset_model::{
    Account, AccountId, ClaimRecord, ClaimWhat, Conversion, Deletion, FactVerdict, Follow, Group,
    GroupId, Interaction, InteractionKind, Membership, Post, PostId, Rating, Record, Timestamp,
    VerdictRecord,
};
use socialset_store::{Counts, PostgresStore, SqliteStore, Store};

/// A post with its id as its text.
fn post(id: &str, author: &str, group: Option<&str>, at_ms: i64, likes: Option<u64>) -> Record {
    Record::Post(Post {
        id: PostId::new(id),
        author: AccountId::new(author),
        at: Timestamp::from_epoch_ms(at_ms),
        text: Some(id.into()),
        lang: None,
        reply_to: None,
        share_of: None,
        quote_of: None,
        mentions: Vec::new(),
        hashtags: Vec::new(),
        urls: Vec::new(),
        likes,
        shares: None,
        replies: None,
        views: None,
        source: None,
        group: group.map(GroupId::new),
    })
}

fn follow(a: &str, b: &str) -> Record {
    Record::Follow(Follow {
        src: AccountId::new(a),
        dst: AccountId::new(b),
        at: Timestamp::from_epoch_ms(1_000),
    })
}

/// A fresh PostgreSQL database on the test server, if there is one.
fn postgres_url() -> Option<String> {
    let base = std::env::var("SOCIALSET_TEST_POSTGRES").ok()?;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "socialset_t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    Some(
        socialset_store::recreate_database(&base, &name)
            .unwrap_or_else(|e| panic!("SOCIALSET_TEST_POSTGRES={base}: {e}")),
    )
}

/// Every backend, freshly empty: where each lives (to reopen it) and the store.
fn backends() -> Vec<(String, Box<dyn Store + Send>)> {
    let mut out: Vec<(String, Box<dyn Store + Send>)> = vec![(
        ":memory:".into(),
        Box::new(SqliteStore::in_memory().expect("sqlite")),
    )];
    if let Some(url) = postgres_url() {
        out.push((
            url.clone(),
            Box::new(PostgresStore::connect(&url).expect("postgres")),
        ));
    }
    if std::env::var("SOCIALSET_REQUIRE_POSTGRES").is_ok() {
        assert_eq!(
            out.len(),
            2,
            "PostgreSQL was required but SOCIALSET_TEST_POSTGRES is not set"
        );
    }
    out
}

#[test]
fn an_import_dropped_without_commit_leaves_nothing() {
    for (at, mut store) in backends() {
        {
            let mut tx = store.begin_import().expect("tx");
            tx.put(&follow("x:a", "x:b")).expect("put");
        }
        assert_eq!(store.counts().expect("counts"), Counts::default(), "{at}");
        let mut tx = store.begin_import().expect("tx");
        tx.put(&follow("x:a", "x:b")).expect("put");
        tx.commit().expect("commit");
        let counts = store.counts().expect("counts");
        assert_eq!((counts.accounts, counts.follows), (2, 1), "{at}");
    }
}

#[test]
fn account_upserts_never_replace_known_values_with_missing_ones() {
    for (at, mut store) in backends() {
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
        assert_eq!(accounts.len(), 2, "{at}");
        assert_eq!(accounts[0].1.followers, Some(12), "{at}");
        assert_eq!(accounts[0].1.handle.as_deref(), Some("a"), "{at}");
        assert_eq!(accounts[1].1.platform.as_deref(), Some("x"), "{at}");
    }
}

#[test]
fn one_account_repeated_through_an_import_keeps_every_last_known_value() {
    // A batch and more of records of one account, each knowing a little: the store holds
    // the last known value of each field, on both backends (PostgreSQL merges them before
    // writing, so that a repeated account is not one UPDATE of the same row per record).
    for (at, mut store) in backends() {
        let mut tx = store.begin_import().expect("tx");
        for i in 0..5_000u64 {
            let mut a = Account::bare(AccountId::new("x:a"));
            match i % 3 {
                0 => a.followers = Some(i),
                1 => a.handle = Some(format!("a{i}")),
                _ => a.bio = None,
            }
            tx.put(&Record::Account(a)).expect("put");
        }
        tx.put(&follow("x:a", "x:b")).expect("put");
        tx.commit().expect("commit");
        let accounts = store.accounts().expect("accounts");
        let a = &accounts
            .iter()
            .find(|(_, a)| a.id.as_str() == "x:a")
            .expect("x:a")
            .1;
        assert_eq!(a.followers, Some(4_998), "{at}");
        assert_eq!(a.handle.as_deref(), Some("a4999"), "{at}");
        assert_eq!(store.counts().expect("counts").accounts, 2, "{at}");
    }
}

#[test]
fn the_store_persists_and_meta_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut places = vec![dir.path().join("s.db").to_string_lossy().into_owned()];
    places.extend(postgres_url());
    for place in places {
        {
            let mut store = socialset_store::open(&place).expect("open");
            let mut tx = store.begin_import().expect("tx");
            tx.put(&follow("x:a", "x:b")).expect("put");
            tx.commit().expect("commit");
            store.set_meta("made_by", "test").expect("meta");
            store.set_meta("made_by", "test again").expect("meta");
        }
        let store = socialset_store::open(&place).expect("reopen");
        assert_eq!(store.counts().expect("counts").follows, 1, "{place}");
        assert_eq!(
            store.meta("made_by").expect("meta").as_deref(),
            Some("test again"),
            "{place}"
        );
        assert_eq!(store.meta("absent").expect("meta"), None);
    }
}

#[test]
fn groups_their_members_and_their_posts_on_both_backends() {
    let at = |ms| Timestamp::from_epoch_ms(ms);
    let post = |id: &str, author: &str, group: Option<&str>, ms| post(id, author, group, ms, None);
    let records = [
        Record::Group(Group {
            id: GroupId::new("rd:r/italy"),
            name: Some("r/italy".into()),
            description: Some("Italia".into()),
            members: Some(1_000),
            created_at: at(1_000),
        }),
        post("rd:t3_a", "rd:ann", Some("rd:r/italy"), 5_000),
        post("rd:t1_b", "rd:bob", Some("rd:r/italy"), 9_000),
        post("rd:t1_c", "rd:ann", Some("rd:r/italy"), 7_000),
        post("rd:t3_d", "rd:cy", Some("rd:r/rust"), 8_000),
        post("rd:t3_e", "rd:cy", None, 8_000),
        Record::Membership(Membership {
            group: GroupId::new("tw:list/9"),
            account: AccountId::new("rd:dee"),
            at: None,
        }),
        // A second sighting adds nothing and forgets nothing.
        Record::Group(Group::bare(GroupId::new("rd:r/italy"))),
    ];
    let mut seen = Vec::new();
    for (place, mut store) in backends() {
        for _ in 0..2 {
            let mut tx = store.begin_import().expect("tx");
            for r in &records {
                tx.put(r).expect("put");
            }
            tx.commit().expect("commit");
        }
        let groups = store.groups().expect("groups");
        let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["rd:r/italy", "rd:r/rust", "tw:list/9"], "{place}");
        let italy = &groups[0];
        assert_eq!(
            (
                italy.name.as_deref(),
                italy.members,
                italy.posts,
                italy.posters
            ),
            (Some("r/italy"), Some(1_000), 3, 2),
            "{place}"
        );
        assert_eq!(
            (italy.first_post, italy.last_post, italy.created_at),
            (at(5_000), at(9_000), at(1_000))
        );
        assert_eq!((groups[2].memberships, groups[2].posts), (1, 0), "{place}");
        assert_eq!(groups[1].name, None, "known by its posts only");
        seen.push(groups);
    }
    if seen.len() == 2 {
        assert_eq!(seen[0], seen[1], "both backends read back the same");
    }
}

#[test]
fn claims_and_verdicts_on_both_backends() {
    let at = |ms| Timestamp::from_epoch_ms(ms);
    let verdict = |claim: &str, v, source: Option<&str>, ms| {
        Record::Verdict(VerdictRecord {
            claim: claim.into(),
            verdict: v,
            source: source.map(Into::into),
            url: None,
            at: at(ms),
        })
    };
    let first = [
        Record::Claim(ClaimRecord {
            id: "pf:1".into(),
            what: ClaimWhat::Link("https://news.example/a".into()),
            title: Some("A story".into()),
        }),
        verdict("pf:1", FactVerdict::Unverified, Some("PolitiFact"), 1_000),
        verdict("pf:1", FactVerdict::True, None, 1_000),
        // A verdict on a claim no record names is kept.
        verdict("pf:9", FactVerdict::False, Some("Snopes"), 1_000),
    ];
    let second = [
        // Renamed as a hashtag; the title stays.
        Record::Claim(ClaimRecord {
            id: "pf:1".into(),
            what: ClaimWhat::Hashtag("story".into()),
            title: None,
        }),
        // A later check replaces the earlier from the same source; an older one does not.
        verdict("pf:1", FactVerdict::False, Some("PolitiFact"), 5_000),
        verdict("pf:9", FactVerdict::True, Some("Snopes"), 500),
    ];
    let mut seen = Vec::new();
    for (place, mut store) in backends() {
        for records in [&first[..], &second[..], &second[..]] {
            let mut tx = store.begin_import().expect("tx");
            for r in records {
                tx.put(r).expect("put");
            }
            tx.commit().expect("commit");
        }
        let (claims, verdicts) = store.claim_records().expect("claims");
        assert_eq!(
            claims,
            [ClaimRecord {
                id: "pf:1".into(),
                what: ClaimWhat::Hashtag("story".into()),
                title: Some("A story".into()),
            }],
            "{place}"
        );
        let got: Vec<(&str, Option<&str>, FactVerdict, Option<i64>)> = verdicts
            .iter()
            .map(|v| {
                (
                    v.claim.as_str(),
                    v.source.as_deref(),
                    v.verdict,
                    v.at.map(Timestamp::epoch_ms),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("pf:1", None, FactVerdict::True, Some(1_000)),
                ("pf:1", Some("PolitiFact"), FactVerdict::False, Some(5_000)),
                ("pf:9", Some("Snopes"), FactVerdict::False, Some(1_000)),
            ],
            "{place}"
        );
        seen.push((claims, verdicts));
    }
    if seen.len() == 2 {
        assert_eq!(seen[0], seen[1], "both backends read back the same");
    }
}

#[test]
fn schemas_of_one_database_are_separate_stores() {
    let Some(url) = postgres_url() else { return };
    let (acme, beta) = (
        format!("{url}?schema=ws_acme"),
        format!("{url}?schema=ws_beta"),
    );
    {
        let mut store = socialset_store::open(&acme).expect("acme");
        let mut tx = store.begin_import().expect("tx");
        tx.put(&follow("x:a", "x:b")).expect("put");
        tx.commit().expect("commit");
    }
    let beta = socialset_store::open(&beta).expect("beta");
    assert_eq!(beta.counts().expect("counts"), Counts::default());
    let acme = socialset_store::open(&acme).expect("acme again");
    assert_eq!(acme.counts().expect("counts").follows, 1);
    assert_eq!(acme.counts().expect("counts").accounts, 2);
}

#[test]
fn accounts_and_edges_interleaved_get_distinct_indices() {
    for (at, mut store) in backends() {
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
        assert_eq!(ids, ["x:a", "x:b", "x:c", "x:d", "x:e"], "{at}");
        assert_eq!(store.counts().expect("counts").follows, 3, "{at}");
    }
}

/// Records of every type, with repeats, missing times and values, and a second import.
fn every_kind_of_record() -> Vec<Vec<Record>> {
    let t = Timestamp::from_epoch_ms;
    let mut a = Account::bare(AccountId::new("tw:1"));
    a.handle = Some("anna".into());
    a.followers = Some(1200);
    a.verified = Some(false);
    a.created_at = t(1_300_000_000_000);
    let post = |id: &str, author: &str, reply: Option<&str>| Post {
        id: PostId::new(id),
        author: AccountId::new(author),
        at: t(1_400_000_000_000),
        text: Some(format!("post {id} #Tag ✓")),
        lang: Some("it".into()),
        reply_to: reply.map(PostId::new),
        share_of: None,
        quote_of: None,
        mentions: vec![AccountId::new("tw:2")],
        hashtags: vec!["tag".into()],
        urls: vec!["https://x.test/a".into()],
        likes: Some(3),
        shares: None,
        replies: Some(1),
        views: None,
        source: Some("Twitter for iPhone".into()),
        group: None,
    };
    let interaction = |src: &str, dst: &str, kind, at| {
        Record::Interaction(Interaction {
            src: AccountId::new(src),
            dst: AccountId::new(dst),
            kind,
            at,
            post: Some(PostId::new("tw:p1")),
            weight: 1.0,
        })
    };
    let first = vec![
        follow("tw:2", "tw:1"),
        Record::Account(a),
        Record::Post(post("tw:p1", "tw:1", None)),
        Record::Post(post("tw:p2", "tw:2", Some("tw:p1"))),
        interaction("tw:2", "tw:1", InteractionKind::Reply, t(5)),
        interaction("tw:2", "tw:1", InteractionKind::Reply, t(5)),
        interaction("tw:3", "tw:1", InteractionKind::Like, None),
        Record::Rating(Rating {
            src: AccountId::new("tw:2"),
            dst: AccountId::new("tw:3"),
            value: 4.0,
            at: t(9),
        }),
        Record::Rating(Rating {
            src: AccountId::new("tw:2"),
            dst: AccountId::new("tw:3"),
            value: -2.0,
            at: t(9),
        }),
        Record::Conversion(Conversion {
            campaign: "spring".into(),
            member: AccountId::new("tw:1"),
            kind: "sale".into(),
            value_eur: Some(12.5),
            at: t(20),
            code: Some("ANNA10".into()),
        }),
    ];
    let mut update = Account::bare(AccountId::new("tw:1"));
    update.followers = Some(1300);
    let second = vec![
        Record::Account(update),
        follow("tw:2", "tw:1"),
        interaction("tw:4", "tw:3", InteractionKind::Share, t(30)),
    ];
    vec![first, second]
}

#[test]
fn both_backends_read_back_the_same() {
    let mut reads = Vec::new();
    for (at, mut store) in backends() {
        for batch in every_kind_of_record() {
            let mut tx = store.begin_import().expect("tx");
            for r in &batch {
                tx.put(r).expect("put");
            }
            tx.commit().expect("commit");
        }
        let counts = store.counts().expect("counts");
        assert_eq!(
            counts,
            Counts {
                accounts: 4,
                follows: 1,
                posts: 2,
                interactions: 3,
                ratings: 1,
                conversions: 1,
                claims: 0,
                verdicts: 0
            },
            "{at}"
        );
        let accounts = store.accounts().expect("accounts");
        let anna = accounts
            .iter()
            .find(|(_, a)| a.id.as_str() == "tw:1")
            .map(|(_, a)| a.clone())
            .expect("tw:1");
        assert_eq!(anna.followers, Some(1300), "{at}: newer value");
        assert_eq!(anna.handle.as_deref(), Some("anna"), "{at}: kept");
        let ratings = store.ratings().expect("ratings");
        assert_eq!(ratings[0].value, -2.0, "{at}: the later rating");
        reads.push((
            at,
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                accounts,
                store.follows().expect("follows"),
                store.interactions().expect("interactions"),
                store.posts().expect("posts"),
                ratings,
                store.rating_values().expect("values"),
                store.campaign_members().expect("members"),
            ),
        ));
    }
    for pair in reads.windows(2) {
        assert_eq!(
            pair[0].1, pair[1].1,
            "{} and {} differ",
            pair[0].0, pair[1].0
        );
    }
}

#[test]
fn a_second_import_into_one_sqlite_file_waits_for_the_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.db");
    let mut first = SqliteStore::open(&path).expect("open");
    let (started_tx, started) = std::sync::mpsc::channel();
    let second = {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut store = SqliteStore::open(&path).expect("open");
            started.recv().expect("the first import began");
            // Began while the first holds the write lock: it waits, then lands.
            let mut tx = store
                .begin_import()
                .expect("waits for the lock, does not fail");
            tx.put(&follow("tw:c", "tw:d")).expect("put");
            tx.commit().expect("commit");
        })
    };
    {
        let mut tx = first.begin_import().expect("begin");
        tx.put(&follow("tw:a", "tw:b")).expect("put");
        started_tx.send(()).expect("signal");
        std::thread::sleep(std::time::Duration::from_millis(300));
        tx.commit().expect("commit");
    }
    second.join().expect("the second import");
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.counts().expect("counts").follows, 2);
    // Each committed import is counted, for caches of what was computed from the store.
    assert_eq!(store.imports_committed().expect("count"), 2);
}

#[test]
fn a_post_keeps_its_author_and_a_record_giving_another_is_refused() {
    let post = |author: &str, likes: Option<u64>| post("x:p1", author, None, 1_000, likes);
    for (at, mut store) in backends() {
        let mut tx = store.begin_import().expect("tx");
        tx.put(&post("x:a", None)).expect("put");
        tx.commit().expect("commit");
        // The same post again, by its author, adds what it knows.
        let mut tx = store.begin_import().expect("tx");
        tx.put(&post("x:a", Some(7))).expect("the same author");
        tx.commit().expect("commit");
        // Another author: refused, naming the post and both authors; nothing changes.
        let mut tx = store.begin_import().expect("tx");
        let e = tx.put(&post("x:b", None)).expect_err("another author");
        drop(tx);
        let message = e.to_string();
        assert!(
            matches!(e, socialset_store::Error::Conflict(_))
                && message.contains("post x:p1 is by x:a")
                && message.contains("x:b"),
            "{at}: {message}"
        );
        let posts = store.posts().expect("posts");
        assert_eq!(posts.len(), 1, "{at}");
        let first = store
            .accounts()
            .expect("accounts")
            .into_iter()
            .find(|(_, a)| a.id.as_str() == "x:a")
            .map(|(k, _)| k)
            .expect("x:a");
        assert_eq!(posts[0].author, first, "{at}");
    }
}

fn campaign(name: &str) -> socialset_model::Campaign {
    socialset_model::Campaign {
        name: name.into(),
        brand: "acme".into(),
        brief: Some("summer drinks".into()),
        objective: socialset_model::Objective::Conversions,
        start: Timestamp::from_epoch_ms(1_000).expect("time"),
        end: Timestamp::from_epoch_ms(9_000_000).expect("time"),
        budget: 500.0,
        currency: "EUR".into(),
        destination: "https://shop.example/summer".into(),
        hashtags: vec!["acmesummer".into()],
        disclosure: vec!["#adv".into()],
        webhook_secret: "s3cret".into(),
        created_at: Timestamp::from_epoch_ms(500).expect("time"),
    }
}

fn member(account: &str, link: &str, code: &str) -> socialset_model::Member {
    socialset_model::Member {
        account: AccountId::new(account),
        role: socialset_model::Role::Native,
        fee: 50.0,
        status: socialset_model::MemberStatus::Invited,
        link: link.into(),
        promo_code: code.into(),
        predicted_reach: Some(120.0),
    }
}

#[test]
fn campaigns_members_clicks_and_orders_on_both_backends() {
    use socialset_model::{Click, MemberStatus, NotCounted, Order, OrderSource};
    let mut seen = Vec::new();
    for (at, mut store) in backends() {
        let c = campaign("summer");
        assert!(store.create_campaign(&c).expect("create"), "{at}");
        assert!(
            !store.create_campaign(&c).expect("again"),
            "{at}: a name is taken once"
        );
        assert_eq!(store.campaigns().expect("read"), vec![c.clone()], "{at}");

        store
            .put_members(
                "summer",
                &[
                    member("tw:ann", "L1", "ANN10"),
                    member("tw:bob", "L2", "BOB10"),
                ],
            )
            .expect("members");
        // An update keeps the link and code, changes the status and fee.
        let mut ann = member("tw:ann", "OTHER", "OTHER");
        ann.status = MemberStatus::Posted;
        ann.fee = 60.0;
        ann.predicted_reach = None;
        store.put_members("summer", &[ann]).expect("update");
        // Another member taking bob's code is refused, and nothing of that call is written.
        let err = store
            .put_members(
                "summer",
                &[
                    member("tw:cat", "L3", "CAT10"),
                    member("tw:dan", "L4", "BOB10"),
                ],
            )
            .expect_err("taken code");
        assert!(err.to_string().contains("tw:dan"), "{at}: {err}");
        let members = store.members("summer").expect("members");
        assert_eq!(members.len(), 2, "{at}: the refused call wrote nothing");
        assert_eq!(
            (members[0].link.as_str(), members[0].status, members[0].fee),
            ("L1", MemberStatus::Posted, 60.0)
        );
        assert_eq!(
            members[0].predicted_reach,
            Some(120.0),
            "{at}: a missing prediction keeps the known one"
        );
        assert_eq!(store.links().expect("links").len(), 2);

        let click = |visitor: u64, not_counted| Click {
            id: 0,
            campaign: "summer".into(),
            member: AccountId::new("tw:ann"),
            at: Timestamp::from_epoch_ms(2_000).expect("time"),
            visitor,
            not_counted,
        };
        let ids = store
            .add_clicks(&[click(1, None), click(u64::MAX, Some(NotCounted::Preview))])
            .expect("clicks");
        assert_eq!(ids.len(), 2);
        assert!(ids[1] > ids[0]);
        let clicks = store.clicks("summer").expect("clicks");
        assert_eq!(clicks.clicks.iter().map(|c| c.id).collect::<Vec<_>>(), ids);
        assert_eq!(clicks.accounts, vec!["tw:ann".to_owned()]);
        assert_eq!(clicks.clicks[1].not_counted, Some(NotCounted::Preview));
        assert_eq!(
            (clicks.clicks[0].visitor, clicks.clicks[1].visitor),
            (1, u64::MAX),
            "all 64 bits kept"
        );

        let order = |id: &str| Order {
            campaign: "summer".into(),
            order_id: id.into(),
            at: Timestamp::from_epoch_ms(3_000).expect("time"),
            value: 18.4,
            original_currency: "USD".into(),
            original_value: 20.0,
            rate: 0.92,
            code: Some("ANN10".into()),
            click: Some(ids[0]),
            member: None,
            source: OrderSource::Webhook,
        };
        assert_eq!(
            store
                .add_orders(&[order("#1001"), order("#1002")])
                .expect("orders"),
            2
        );
        assert_eq!(
            store.add_orders(&[order("#1001")]).expect("repeat"),
            0,
            "{at}: a repeated order id is counted once"
        );

        // An imported conversion record becomes an order attributed to the member it names.
        let mut tx = store.begin_import().expect("tx");
        tx.put(&Record::Conversion(Conversion {
            campaign: "summer".into(),
            member: AccountId::new("tw:bob"),
            kind: "sale".into(),
            value_eur: Some(30.0),
            at: None,
            code: Some("bob10".into()),
        }))
        .expect("put");
        tx.commit().expect("commit");
        let orders = store.orders("summer").expect("orders");
        assert_eq!(orders.len(), 3, "{at}");
        let imported = &orders[2];
        assert_eq!(imported.source, OrderSource::Import);
        assert_eq!(imported.member, Some(AccountId::new("tw:bob")));
        assert_eq!(
            imported.at, c.start,
            "{at}: an imported conversion without a time counts at the start"
        );
        assert_eq!(imported.code.as_deref(), Some("BOB10"));
        seen.push((members, clicks, orders));
    }
    if seen.len() == 2 {
        assert_eq!(seen[0], seen[1], "both backends read back the same");
    }
}

#[test]
fn a_meta_value_set_by_an_import_lands_with_its_records_or_not_at_all() {
    for (at, mut store) in backends() {
        {
            let mut tx = store.begin_import().expect("tx");
            tx.put(&follow("tw:a", "tw:b")).expect("put");
            tx.set_meta("follow.cursor ws://h:80/s", "17")
                .expect("meta");
            // Dropped, not committed: neither the follow nor the cursor lands.
        }
        assert_eq!(
            store.meta("follow.cursor ws://h:80/s").expect("meta"),
            None,
            "{at}"
        );
        assert_eq!(store.counts().expect("counts").follows, 0, "{at}");
        let mut tx = store.begin_import().expect("tx");
        tx.put(&follow("tw:a", "tw:b")).expect("put");
        tx.set_meta("follow.cursor ws://h:80/s", "17")
            .expect("meta");
        tx.commit().expect("commit");
        let mut tx = store.begin_import().expect("tx");
        tx.set_meta("follow.cursor ws://h:80/s", "18")
            .expect("meta");
        tx.commit().expect("commit");
        assert_eq!(
            store
                .meta("follow.cursor ws://h:80/s")
                .expect("meta")
                .as_deref(),
            Some("18"),
            "{at}"
        );
        assert_eq!(store.counts().expect("counts").follows, 1, "{at}");
    }
}

#[test]
fn a_deleted_post_goes_with_the_edges_it_made_but_not_the_likes_it_got() {
    let edge = |src: &str, dst: &str, kind: InteractionKind, post: &str, at: i64| {
        Record::Interaction(Interaction {
            src: AccountId::new(src),
            dst: AccountId::new(dst),
            kind,
            at: Timestamp::from_epoch_ms(at),
            post: Some(PostId::new(post)),
            weight: 1.0,
        })
    };
    let gone = |post: &str, author: &str| {
        Record::Deletion(Deletion {
            post: PostId::new(post),
            author: AccountId::new(author),
        })
    };
    for (at, mut store) in backends() {
        let mut tx = store.begin_import().expect("tx");
        for r in [
            post("x:p1", "x:a", None, 1_000, None),
            post("x:p2", "x:a", None, 2_000, None),
            // p1 replies to b and mentions c; d likes p1; a's p2 replies to b.
            edge("x:a", "x:b", InteractionKind::Reply, "x:p1", 1_000),
            edge("x:a", "x:c", InteractionKind::Mention, "x:p1", 1_000),
            edge("x:d", "x:a", InteractionKind::Like, "x:p1", 1_500),
            edge("x:a", "x:b", InteractionKind::Reply, "x:p2", 2_000),
            // In the same transaction, before its queued edges were written.
            gone("x:p1", "x:a"),
            // Another account cannot delete a's post; an unknown author deletes nothing.
            gone("x:p2", "x:b"),
            gone("x:p9", "x:nobody"),
        ] {
            tx.put(&r).expect("put");
        }
        tx.commit().expect("commit");
        let counts = store.counts().expect("counts");
        assert_eq!((counts.posts, counts.interactions), (1, 2), "{at}");
        let left: Vec<(InteractionKind, Option<String>)> = store
            .interactions()
            .expect("interactions")
            .into_iter()
            .map(|i| (i.kind, i.post.map(|p| p.as_str().to_owned())))
            .collect();
        assert!(
            left.contains(&(InteractionKind::Like, Some("x:p1".into()))),
            "{at}: {left:?}"
        );
        assert!(
            left.contains(&(InteractionKind::Reply, Some("x:p2".into()))),
            "{at}: {left:?}"
        );
        assert_eq!(counts.accounts, 4, "{at}: the unknown author is not added");
    }
}

#[test]
fn processes_opening_a_new_store_at_once_run_each_migration_once() {
    // Each thread is its own connection, as two processes would be (a server and an import,
    // or a test polling a store that `import --follow` is creating): before, the second one
    // could run the first migration again ("table accounts already exists").
    for round in 0..20 {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(format!("new-{round}.db"));
        let opened: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| SqliteStore::open(&path).map(|_| ())))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        for o in opened {
            o.expect("every opener gets the store");
        }
        let store = SqliteStore::open(&path).expect("reopen");
        assert_eq!(store.counts().expect("counts"), Counts::default());
    }
}

#[test]
fn a_store_opens_for_reading_while_an_import_holds_its_write_lock() {
    // Opening an up-to-date store only reads its schema version: it must not wait for the
    // write lock an import holds from its first record to its commit.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("busy.db");
    let mut writer = SqliteStore::open(&path).expect("open");
    let mut import = writer.begin_import().expect("import");
    import
        .put(&Record::Account(Account::bare(AccountId::new("t:1"))))
        .expect("put");
    let reader = SqliteStore::open(&path).expect("opens during the import");
    assert_eq!(reader.counts().expect("counts").accounts, 0);
    import.commit().expect("commit");
    assert_eq!(reader.counts().expect("counts").accounts, 1);
}
