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
    let report = ws.rank(&RankOptions::default()).expect("rank on follows");
    let ids: Vec<&str> = report.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["tw:ann", "tw:bob"]);
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
