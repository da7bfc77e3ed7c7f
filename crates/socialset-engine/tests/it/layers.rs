//! The follow layer: follows alone rank accounts, explanations say who follows, and follows
//! weigh less than interaction by default.

use socialset_engine::{EngagementWeights, ImportOptions, RankOptions, Workspace};

use crate::{import, write};

const FOLLOWS: &str = r#"{"type":"follow","src":"tw:bob","dst":"tw:ann"}
{"type":"follow","src":"tw:cy","dst":"tw:ann"}
{"type":"follow","src":"tw:dee","dst":"tw:ann"}
{"type":"follow","src":"tw:ann","dst":"tw:bob"}
"#;

#[test]
fn follows_alone_rank_and_explain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    let file = write(dir.path(), "follows.jsonl", FOLLOWS.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let report = ws
        .rank(&RankOptions {
            min_engagers: 1,
            ..RankOptions::default()
        })
        .expect("rank on follows");
    let ids: Vec<&str> = report.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["tw:ann", "tw:bob"]);
    // By default bob, followed by one account, is ranked but not listed; ann, by three, is.
    let listed = ws.rank(&RankOptions::default()).expect("rank");
    assert_eq!(listed.accounts.len(), 1);
    assert_eq!(listed.accounts[0].id, "tw:ann");
    assert_eq!(listed.left_out_few_engagers, 1);
    let ann = &report.accounts[0].influence;
    assert_eq!(ann.followers_in_graph, 3);
    assert_eq!(ann.distinct_engagers, 0);
    assert_eq!(ann.endorsers, 3);
    let e = ws
        .explain("tw:ann", &RankOptions::default())
        .expect("explain");
    assert_eq!(e.engagers.len(), 3);
    assert!(e.engagers.iter().all(|g| g.follows));
    let shares: f64 = e.engagers.iter().map(|g| g.share_of_score).sum::<f64>() + e.baseline_share;
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");
}

#[test]
fn a_reply_outweighs_a_follow_and_the_follow_layer_can_be_switched_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    // ann is followed by three; bob gets one reply from each of the same three.
    let data = format!(
        "{FOLLOWS}{}",
        r#"{"type":"interaction","src":"tw:cy","dst":"tw:bob","kind":"reply","at":1341388900}
{"type":"interaction","src":"tw:dee","dst":"tw:bob","kind":"reply","at":1341388901}
{"type":"interaction","src":"tw:eve","dst":"tw:bob","kind":"reply","at":1341388902}
"#
    );
    let file = write(dir.path(), "mixed.jsonl", data.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let top = |weights: EngagementWeights| {
        let r = ws
            .rank(&RankOptions {
                weights,
                ..RankOptions::default()
            })
            .expect("rank");
        r.accounts.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(top(EngagementWeights::default())[0], "tw:bob");
    let no_follows = EngagementWeights {
        follow: 0.0,
        ..EngagementWeights::default()
    };
    assert!(!top(no_follows).contains(&"tw:ann".to_owned()));
}

/// The list leaves out accounts fewer than `min_engagers` accounts engage with or follow (they
/// are still ranked), says how many, and gives each listed account its place in the list, its
/// place among all and its percentile.
#[test]
fn the_list_needs_enough_engagers_and_shows_percentiles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    // ann: three engagers; bob: two; cy: one (a very central one: ann herself).
    let data = r#"{"type":"interaction","src":"tw:x","dst":"tw:ann","kind":"reply","at":1341388900}
{"type":"interaction","src":"tw:y","dst":"tw:ann","kind":"reply","at":1341388901}
{"type":"interaction","src":"tw:z","dst":"tw:ann","kind":"reply","at":1341388902}
{"type":"interaction","src":"tw:x","dst":"tw:bob","kind":"reply","at":1341388903}
{"type":"interaction","src":"tw:y","dst":"tw:bob","kind":"reply","at":1341388904}
{"type":"interaction","src":"tw:ann","dst":"tw:cy","kind":"reply","at":1341388905}
"#;
    let file = write(dir.path(), "d.jsonl", data.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let all = ws
        .rank(&RankOptions {
            min_engagers: 1,
            ..RankOptions::default()
        })
        .expect("rank");
    assert_eq!(all.matching, 3);
    assert_eq!(all.left_out_few_engagers, 0);
    let listed = ws.rank(&RankOptions::default()).expect("rank");
    assert_eq!(listed.min_engagers, 3);
    let ids: Vec<&str> = listed.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["tw:ann"]);
    assert_eq!(
        listed.left_out_few_engagers, 2,
        "bob and cy are ranked, not listed"
    );
    assert_eq!(listed.ranked, all.ranked);
    let ann = &listed.accounts[0];
    assert_eq!(ann.listed_rank, Some(1));
    let in_all = all.accounts.iter().find(|a| a.id == "tw:ann").expect("ann");
    assert_eq!(
        ann.influence.rank, in_all.influence.rank,
        "the place among all"
    );
    assert_eq!(ann.percentile, in_all.percentile);
    // Percentiles: the share of the 3 ranked accounts scoring lower, ties counted half.
    let mut p: Vec<f64> = all.accounts.iter().map(|a| a.percentile).collect();
    p.sort_by(f64::total_cmp);
    // Three distinct scores: the mid-ranks ½, 1½ and 2½ of 3.
    let want = [100.0 / 6.0, 50.0, 500.0 / 6.0];
    assert!(
        p.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
        "{p:?}"
    );
    assert_eq!(
        all.accounts[0].percentile, want[2],
        "the first listed is the best"
    );
    // A window outside the data names the data's range.
    let later = socialset_model::Timestamp::from_epoch_ms(1_900_000_000_000);
    let e = ws
        .rank(&RankOptions {
            window: socialset_engine::TimeWindow {
                since: later,
                until: None,
            },
            ..RankOptions::default()
        })
        .expect_err("an empty window");
    assert!(
        e.to_string()
            .contains("from 2030-03-17 until the end: the data run from 2012-07-04 to 2012-07-04"),
        "{e}"
    );
}
