//! Claims through the engine: one link however its tracking differs, a hashtag, a story told
//! twice in near-identical words, their cascades of replies and shares, and the spreaders.

use socialset_engine::{ClaimKind, ClaimOptions, ImportOptions, Workspace};

use crate::{import, write};

fn store() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let post = |id: &str, author: &str, at: u32, extra: &str| {
        format!(
            "{{\"type\":\"post\",\"id\":\"{id}\",\"author\":\"{author}\",\"at\":{at}{extra}}}\n"
        )
    };
    let mut data = String::new();
    // The link, written three ways by three accounts; b's post is shared by c, c's share by d.
    data += &post(
        "l1",
        "a",
        1000,
        r#","text":"Look","urls":["https://www.news.example/story?utm_source=x"]"#,
    );
    data += &post(
        "l2",
        "b",
        1100,
        r#","text":"Wow","urls":["http://news.example/story/"]"#,
    );
    data += &post(
        "l3",
        "e",
        1200,
        r#","text":"See","urls":["https://news.example/story#comments"]"#,
    );
    data += &post("s1", "c", 1300, r#","share_of":"l2""#);
    data += &post("s2", "d", 1400, r#","share_of":"s1""#);
    // Replies to a's post: f and g, and h answers f.
    data += &post("r1", "f", 1500, r#","text":"Fake!","reply_to":"l1""#);
    data += &post("r2", "g", 1600, r#","text":"Source?","reply_to":"l1""#);
    data += &post("r3", "h", 1700, r#","text":"Agreed","reply_to":"r1""#);
    // A story told twice in near-identical words by i and j; k replies to j's.
    let story = "The bridge on the river road has collapsed this morning and traffic is diverted";
    data += &post("t1", "i", 2000, &format!(r#","text":"{story}""#));
    data += &post("t2", "j", 2100, &format!(r#","text":"{story}!!""#));
    data += &post(
        "t3",
        "k",
        2200,
        r#","text":"Is that true?","reply_to":"t2""#,
    );
    // A hashtag on two unrelated posts, nobody answering.
    data += &post("h1", "m", 3000, r##","text":"#rain","hashtags":["Rain"]"##);
    data += &post(
        "h2",
        "n",
        3100,
        r##","text":"more #rain","hashtags":["rain"]"##,
    );
    let file = write(dir.path(), "d.jsonl", data.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    (dir, Workspace::open(&db).expect("open"))
}

#[test]
fn a_link_written_three_ways_is_one_claim_with_its_cascades() {
    let (_dir, ws) = store();
    let r = ws
        .claims(&ClaimOptions {
            kind: Some(ClaimKind::Link),
            ..ClaimOptions::default()
        })
        .expect("claims");
    assert_eq!(r.claims.len(), 1, "{:?}", r.claims);
    let c = &r.claims[0];
    assert_eq!(c.id, "link:news.example/story");
    assert_eq!(c.domain.as_deref(), Some("news.example"));
    assert_eq!(c.carriers, 3);
    let s = &c.spread;
    // a's cascade: l1, r1, r2, r3; b's: l2, s1, s2; e's: l3 alone.
    assert_eq!((s.posts, s.accounts, s.cascades, s.largest), (8, 8, 3, 4));
    assert_eq!((s.depth, s.max_breadth), (2, 2));
    // The largest (l1 ← r1, r2; r1 ← r3): edges split 4 posts as 1|3, 2|2, 1|3: W = 3 + 4 +
    // 3 = 10 over 6 pairs.
    assert!((s.structural_virality - 10.0 / 6.0).abs() < 1e-12);
    assert_eq!(
        r.linked, 6,
        "replies and shares whose parent the store holds"
    );
}

#[test]
fn stories_tags_and_the_spreaders_of_one_claim() {
    let (_dir, ws) = store();
    let r = ws.claims(&ClaimOptions::default()).expect("claims");
    let text = r
        .claims
        .iter()
        .find(|c| c.kind == ClaimKind::Text && c.carriers == 2)
        .expect("the story told twice");
    assert_eq!(text.id, "text:local:t1", "named by its first post");
    assert_eq!((text.spread.posts, text.spread.accounts), (3, 3));
    let tag = r.claims.iter().find(|c| c.id == "tag:rain").expect("#rain");
    assert_eq!(
        (tag.carriers, tag.spread.cascades, tag.spread.depth),
        (2, 2, 0)
    );
    // The most accounts first.
    assert_eq!(r.claims[0].id, "link:news.example/story");

    // The link as a user would paste it finds the claim.
    let d = ws
        .claim(
            "link:https://news.example/story?utm_medium=social",
            &Default::default(),
            10,
        )
        .expect("claim");
    assert_eq!(d.claim.spread.posts, 8);
    let top = &d.spreaders[0];
    assert_eq!(
        (top.account.as_str(), top.below, top.carrier),
        ("local:a", 3, true)
    );
    let b = d
        .spreaders
        .iter()
        .find(|s| s.account == "local:b")
        .expect("b");
    assert_eq!(b.below, 2, "the share and the share of the share");
    let f = d
        .spreaders
        .iter()
        .find(|s| s.account == "local:f")
        .expect("f");
    assert_eq!((f.below, f.carrier), (1, false));
    // The three replies each get a stance (English, or no language shown: none is skipped);
    // "Source?" asks.
    assert_eq!(d.replies.counts.iter().sum::<usize>(), 3, "{:?}", d.replies);
    assert_eq!(d.replies.unread, 0);
    assert!(
        d.replies
            .examples
            .iter()
            .any(|e| e.post == "local:r2" && e.stance == socialset_engine::Stance::Query),
        "{:?}",
        d.replies
    );
    // Whom it reached: the eight authors of its eight posts, each in a community.
    let reach = d.reach.as_ref().expect("reach asked for");
    assert_eq!((reach.accounts, reach.posts), (8, 8));
    assert!(reach.judged <= reach.accounts);
    assert!(reach.posts_by_bots <= reach.posts);
    if reach.communities_known {
        assert!(reach.communities_reached >= 1, "{reach:?}");
        let in_listed: usize = reach.communities.iter().map(|c| c.accounts).sum();
        assert!(in_listed <= reach.accounts);
    }
    // Its spread network: every post drawn, each below its parent.
    assert_eq!((reach.network.len(), reach.network_of), (8, 8));
    for n in &reach.network {
        match n.parent {
            None => assert_eq!(n.depth, 0, "{n:?}"),
            Some(p) => assert_eq!(reach.network[p].depth + 1, n.depth, "{n:?}"),
        }
        assert!(n.bot_probability.is_nan() || (0.0..=1.0).contains(&n.bot_probability));
    }
    assert_eq!(
        reach.network.iter().filter(|n| n.parent.is_none()).count(),
        3,
        "three cascades"
    );
    // Without reach, the rest is the same.
    let quick = ws
        .claim_with("link:news.example/story", &Default::default(), 10, false)
        .expect("claim");
    assert!(quick.reach.is_none());
    assert_eq!(quick.replies, d.replies);
    assert_eq!(quick.spreaders, d.spreaders);
    // Unknown and malformed ids say so.
    let e = ws
        .claim("tag:nothing", &Default::default(), 10)
        .expect_err("none");
    assert!(e.to_string().contains("no claim tag:nothing"), "{e}");
    let e = ws
        .claim("story", &Default::default(), 10)
        .expect_err("bad id");
    assert!(e.to_string().contains("link:, tag: or text:"), "{e}");
}

#[test]
fn labelled_claims_are_followed_and_compared() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two true claims answered once each; two false ones answered by chains of three.
    let mut data = String::new();
    for (root, replies) in [("t1", 1), ("t2", 1), ("f1", 3), ("f2", 3)] {
        data += &format!(
            "{{\"type\":\"post\",\"id\":\"x:{root}\",\"author\":\"x:{root}a\",\"at\":100}}\n"
        );
        let mut parent = format!("x:{root}");
        for k in 0..replies {
            let id = format!("x:{root}r{k}");
            data += &format!("{{\"type\":\"post\",\"id\":\"{id}\",\"author\":\"x:{root}u{k}\",\"at\":{},\"reply_to\":\"{parent}\"}}\n", 200 + k);
            parent = id;
        }
    }
    let posts = write(dir.path(), "p.jsonl", data.as_bytes());
    let labels = write(
        dir.path(),
        "l.tsv",
        b"event\tthread_id\tveracity\ne\tt1\tTrue\ne\tx:t2\ttrue\ne\tf1\tfalse\ne\tf2\tfalse\ne\tgone\tfalse\n",
    );
    let e = socialset_engine::eval_spread(&posts, &labels, &mut socialset_engine::NoProgress)
        .expect("eval");
    assert_eq!((e.labelled, e.found), (5, 4));
    assert_eq!(e.compared, Some(("true".into(), "false".into())));
    // Depth: 3 against 1.
    let depth = e.differences[1].expect("depth");
    assert!((depth.0 - 2.0).abs() < 1e-12, "{depth:?}");
    assert_eq!(
        e.labels.iter().map(|l| l.claims).collect::<Vec<_>>(),
        vec![2, 2]
    );
    // Labels that meet no post say so.
    let other = write(dir.path(), "o.tsv", b"thread_id,label\nnope,false\n");
    let err = socialset_engine::eval_spread(&posts, &other, &mut socialset_engine::NoProgress)
        .expect_err("no overlap");
    assert!(err.to_string().contains("the ids do not meet"), "{err}");
    let bad = write(dir.path(), "b.tsv", b"thread\tverdict\n1\ttrue\n");
    let err = socialset_engine::eval_spread(&posts, &bad, &mut socialset_engine::NoProgress)
        .expect_err("no header");
    assert!(err.to_string().contains("b.tsv:1"), "{err}");
}

#[test]
fn italian_replies_are_counted_but_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let data = concat!(
        r#"{"type":"post","id":"s","author":"a","at":1000,"text":"Il ponte è crollato","urls":["https://news.example/ponte"]}"#,
        "\n",
        r#"{"type":"post","id":"r1","author":"b","at":1100,"text":"Non è vero, è una bufala: il ponte è ancora lì","reply_to":"s"}"#,
        "\n",
        r#"{"type":"post","id":"r2","author":"c","at":1200,"text":"Is this confirmed? Any source?","reply_to":"s"}"#,
        "\n",
    );
    let file = write(dir.path(), "d.jsonl", data.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let d = ws
        .claim_with("link:news.example/ponte", &Default::default(), 10, false)
        .expect("claim");
    // The Italian denial gets no English call; the English question does.
    assert_eq!(d.replies.unread, 1, "{:?}", d.replies);
    assert_eq!(
        d.replies.counts[socialset_engine::Stance::Query.index()],
        1,
        "{:?}",
        d.replies
    );
    assert_eq!(d.replies.examples.len(), 1);
    assert_eq!(d.replies.examples[0].post, "local:r2");
}
