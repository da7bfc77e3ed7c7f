//! User-generated value through the engine: posts classified, questions threaded with their
//! best answer along a reply chain, filters, and prosumer segments, on a small store.

use socialset_engine::{ImportOptions, Polarity, Segment, UgcKind, UgcOptions, Workspace};

use crate::{import, write};

fn store() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let data = write(
        dir.path(),
        "d.jsonl",
        "{\"type\":\"post\",\"id\":\"q\",\"author\":\"anna\",\"text\":\"Qualcuno sa a che ora apre il negozio @acme?\",\"mentions\":[\"acme\"]}\n\
         {\"type\":\"post\",\"id\":\"a1\",\"author\":\"bruno\",\"text\":\"Apre alle 9\",\"reply_to\":\"q\"}\n\
         {\"type\":\"post\",\"id\":\"a2\",\"author\":\"carla\",\"text\":\"Alle 9 in settimana, alle 10 la domenica\",\"reply_to\":\"q\",\"likes\":5}\n\
         {\"type\":\"post\",\"id\":\"a3\",\"author\":\"dario\",\"text\":\"giusto, confermo\",\"reply_to\":\"a2\"}\n\
         {\"type\":\"post\",\"id\":\"a4\",\"author\":\"zeno\",\"text\":\"Alle nove, cretino\",\"reply_to\":\"q\",\"likes\":50}\n\
         {\"type\":\"post\",\"id\":\"c\",\"author\":\"elena\",\"text\":\"@acme il mio modem non funziona da tre giorni, vergogna\",\"mentions\":[\"acme\"]}\n\
         {\"type\":\"post\",\"id\":\"p\",\"author\":\"fabio\",\"text\":\"Grazie @acme, servizio fantastico!\",\"mentions\":[\"acme\"]}\n\
         {\"type\":\"post\",\"id\":\"m\",\"author\":\"gino\",\"text\":\"Il treno parte alle 8\"}\n\
         {\"type\":\"interaction\",\"src\":\"hugo\",\"dst\":\"fabio\",\"kind\":\"share\",\"post\":\"p\"}\n\
         {\"type\":\"interaction\",\"src\":\"hugo\",\"dst\":\"elena\",\"kind\":\"share\",\"post\":\"c\"}\n\
         {\"type\":\"interaction\",\"src\":\"ivo\",\"dst\":\"fabio\",\"kind\":\"like\",\"post\":\"p\"}\n\
         {\"type\":\"account\",\"id\":\"luca\"}\n"
            .as_bytes(),
    );
    import(&db, &[data], &ImportOptions::default()).expect("import");
    (dir, Workspace::open(&db).expect("open"))
}

#[test]
fn posts_are_classified_and_questions_threaded() {
    let (_dir, ws) = store();
    let r = ws
        .ugc(&UgcOptions {
            top: 100,
            ..UgcOptions::default()
        })
        .expect("ugc");
    let kind_of = |post: &str| {
        r.items
            .iter()
            .find(|i| i.post.ends_with(post))
            .map(|i| i.kind)
            .unwrap_or_else(|| panic!("{post} missing: {:?}", r.items))
    };
    assert_eq!(kind_of(":q"), UgcKind::Question);
    assert_eq!(kind_of(":a1"), UgcKind::Answer);
    assert_eq!(kind_of(":a3"), UgcKind::Answer, "down the reply chain");
    assert_eq!(kind_of(":c"), UgcKind::Complaint);
    assert_eq!(kind_of(":p"), UgcKind::Praise);
    assert_eq!(kind_of(":m"), UgcKind::Mention);
    assert!(r.items.iter().all(|i| !i.reasons.is_empty()));
    assert_eq!(r.threads.len(), 1);
    let t = &r.threads[0];
    assert_eq!(t.answers, 4);
    // The best answer drew the most engagement (5 likes and a reply) of those that are not
    // abusive: a4's 50 likes do not make an insult the best answer.
    assert!(
        t.best.as_ref().is_some_and(|b| b.post.ends_with(":a2")),
        "{t:?}"
    );
    assert_eq!(t.abusive_answers, 1);
    assert_eq!(kind_of(":a4"), UgcKind::Answer);
    let insult = r
        .items
        .iter()
        .find(|i| i.post.ends_with(":a4"))
        .expect("a4");
    assert_eq!(insult.abusive, ["cretin"]);

    let complaints = ws
        .ugc(&UgcOptions {
            kind: Some(UgcKind::Complaint),
            brand: Some("@acme".into()),
            top: 10,
            ..UgcOptions::default()
        })
        .expect("complaints");
    assert_eq!(complaints.matching, 1);
    assert_eq!(complaints.items[0].polarity, Polarity::Negative);
    assert!(
        complaints.threads.is_empty(),
        "the question is no complaint"
    );
    // The questions and answers obey the brand and query filters too.
    let about = |brand: &str, query: Option<&str>| {
        ws.ugc(&UgcOptions {
            brand: Some(brand.into()),
            query: query.map(str::to_owned),
            ..UgcOptions::default()
        })
        .expect("ugc")
        .threads
        .len()
    };
    assert_eq!(about("@acme", None), 1, "the question mentions @acme");
    assert_eq!(about("@other", None), 0);
    assert_eq!(about("@acme", Some("negozio")), 1);
    assert_eq!(about("@acme", Some("treno")), 0);
    let query = ws
        .ugc(&UgcOptions {
            query: Some("alle 9".into()),
            top: 10,
            ..UgcOptions::default()
        })
        .expect("query");
    assert_eq!(query.matching, 2);
    let english = ws
        .ugc(&UgcOptions {
            language: Some(socialset_engine::Language::English),
            top: 10,
            ..UgcOptions::default()
        })
        .expect("language");
    assert_eq!(english.matching, 0, "every post here is Italian");
    // Stemmed: "negozi" finds "negozio".
    let stemmed = ws
        .ugc(&UgcOptions {
            query: Some("negozi".into()),
            top: 10,
            ..UgcOptions::default()
        })
        .expect("stemmed");
    assert_eq!(stemmed.matching, 1, "{:?}", stemmed.items);
    let bad = ws.ugc(&UgcOptions {
        query: Some("nofield:x".into()),
        ..UgcOptions::default()
    });
    assert!(bad.expect_err("bad query").to_string().contains("--query"));
}

#[test]
fn prosumer_segments() {
    let (_dir, ws) = store();
    let r = ws.segments(&Default::default()).expect("segments");
    let seg = |id: &str| {
        r.accounts
            .iter()
            .find(|a| a.id.ends_with(id))
            .map(|a| a.segment)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    assert_eq!(seg(":fabio"), Segment::Creator);
    assert_eq!(
        seg(":bruno"),
        Segment::Creator,
        "an answer is created value"
    );
    assert_eq!(seg(":hugo"), Segment::Amplifier);
    assert_eq!(seg(":ivo"), Segment::Consumer);
    assert_eq!(seg(":luca"), Segment::Lurker);
    let total: usize = r.by_segment.iter().map(|(_, n)| n).sum();
    assert_eq!(total, r.accounts.len());
}

#[test]
fn question_and_answer_detection_on_annotated_posts() {
    let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/ugc/qa-annotated.jsonl");
    let e = socialset_engine::eval_qa(&file).expect("eval");
    assert_eq!(e.posts, 120);
    assert_eq!((e.question.gold, e.answer.gold), (18, 10));
    // The figures in docs/EVALUATION.md; a change to the rules shows here.
    assert!(
        e.question.precision() >= 0.9 && e.question.recall() >= 0.8,
        "{e:?}"
    );
    assert!(
        e.answer.precision() >= 0.8 && e.answer.recall() >= 0.7,
        "{e:?}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(
        dir.path(),
        "bad.jsonl",
        b"{\"id\":\"1\",\"text\":\"ok?\",\"label\":\"maybe\"}\n",
    );
    let err = socialset_engine::eval_qa(&bad)
        .expect_err("bad label")
        .to_string();
    assert!(
        err.contains("bad.jsonl:1") && err.contains("label"),
        "{err}"
    );
}

#[test]
fn near_duplicates_are_listed_once_with_a_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let data = write(
        dir.path(),
        "d.jsonl",
        "{\"type\":\"post\",\"id\":\"1\",\"author\":\"a\",\"text\":\"Qualcuno sa a che ora apre il negozio di via Roma?\"}\n\
         {\"type\":\"post\",\"id\":\"2\",\"author\":\"b\",\"text\":\"qualcuno sa a che ora apre il negozio di via Roma??\",\"likes\":3}\n\
         {\"type\":\"post\",\"id\":\"3\",\"author\":\"c\",\"text\":\"@x Qualcuno sa a che ora apre il negozio di via Roma? http://t.co/z\"}\n\
         {\"type\":\"post\",\"id\":\"4\",\"author\":\"d\",\"text\":\"Il treno per Milano parte alle otto dal binario tre\"}\n"
            .as_bytes(),
    );
    import(&db, &[data], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let r = ws
        .ugc(&UgcOptions {
            kind: Some(UgcKind::Question),
            top: 10,
            ..UgcOptions::default()
        })
        .expect("ugc");
    assert_eq!(r.matching, 3, "all three asked");
    assert_eq!(r.items.len(), 1, "listed once: {:?}", r.items);
    assert_eq!(r.items[0].duplicates, 2);
    assert!(
        r.items[0].post.ends_with(":2"),
        "the most engaged speaks for them"
    );
}

#[test]
fn questions_against_stance_labels_join_by_tweet_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let posts = write(
        dir.path(),
        "posts.jsonl",
        b"{\"type\":\"post\",\"id\":\"tw:1\",\"author\":\"a\",\"text\":\"Is this confirmed?\"}\n\
          {\"type\":\"post\",\"id\":\"tw:2\",\"author\":\"b\",\"text\":\"Source please\"}\n\
          {\"type\":\"post\",\"id\":\"tw:3\",\"author\":\"c\",\"text\":\"Really? Who knew\"}\n\
          {\"type\":\"post\",\"id\":\"tw:4\",\"author\":\"d\",\"text\":\"Not in the stance file\"}\n\
          {\"type\":\"account\",\"id\":\"tw:a\"}\n",
    );
    let stance_dir = dir.path().join("stance");
    std::fs::create_dir(&stance_dir).expect("mkdir");
    write(
        &stance_dir,
        "train.json",
        b"{\"1\": \"query\", \"2\": \"query\", \"3\": \"comment\", \"9\": \"support\"}",
    );
    let e = socialset_engine::eval_stance_questions(&posts, &stance_dir).expect("eval");
    assert_eq!(e.posts, 3);
    assert_eq!(
        (e.query.gold, e.query.predicted, e.query.correct),
        (2, 2, 1)
    );
    assert_eq!(
        e.by_stance,
        [("comment".to_owned(), 1, 1), ("query".to_owned(), 2, 1)]
    );
    write(&stance_dir, "bad.json", b"{\"5\": \"maybe\"}");
    let err = socialset_engine::eval_stance_questions(&posts, &stance_dir)
        .expect_err("bad stance")
        .to_string();
    assert!(
        err.contains("bad.json") && err.contains('5') && err.contains("maybe"),
        "{err}"
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert!(socialset_engine::eval_stance_questions(&posts, &empty).is_err());
}

#[test]
fn with_a_brand_a_post_is_read_towards_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let data = write(
        dir.path(),
        "d.jsonl",
        "{\"type\":\"post\",\"id\":\"1\",\"author\":\"a\",\"text\":\"Grazie @acme, servizio fantastico! @globex invece non funziona mai, vergogna\",\"mentions\":[\"acme\",\"globex\"]}\n\
         {\"type\":\"post\",\"id\":\"2\",\"author\":\"b\",\"text\":\"The @globex app is so much better than @acme\",\"mentions\":[\"acme\",\"globex\"]}\n"
            .as_bytes(),
    );
    import(&db, &[data], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let about = |brand: &str, post: &str| {
        let r = ws
            .ugc(&UgcOptions {
                brand: Some(brand.into()),
                top: 10,
                ..UgcOptions::default()
            })
            .expect("ugc");
        r.items
            .into_iter()
            .find(|i| i.post.ends_with(post))
            .unwrap_or_else(|| panic!("{post} missing"))
    };
    let acme = about("@acme", ":1");
    let globex = about("@globex", ":1");
    assert_eq!(acme.polarity, Polarity::Positive, "{acme:?}");
    assert_eq!(acme.kind, UgcKind::Praise, "{acme:?}");
    assert_eq!(globex.polarity, Polarity::Negative, "{globex:?}");
    assert_eq!(globex.kind, UgcKind::Complaint, "{globex:?}");
    assert_eq!(globex.towards, Some("its clauses"));
    let behind = about("acme", ":2");
    assert_eq!(behind.polarity, Polarity::Negative, "{behind:?}");
    assert_eq!(behind.towards, Some("compared"));
    // Only the posts about the brand, read towards it; without a brand, no reading towards.
    let negative_for_acme = ws
        .ugc(&UgcOptions {
            brand: Some("@acme".into()),
            sentiment: Some(Polarity::Negative),
            ..UgcOptions::default()
        })
        .expect("ugc");
    assert_eq!(negative_for_acme.matching, 1);
    let plain = ws.ugc(&UgcOptions::default()).expect("ugc");
    assert!(plain.items.iter().all(|i| i.towards.is_none()));
}
