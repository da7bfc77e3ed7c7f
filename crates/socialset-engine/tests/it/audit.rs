//! The authenticity audit through the engine: features computed from a store match the
//! values worked out by hand, missing data stays missing, accounts with too little data get
//! no verdict, bad model and label files are refused clearly, and planted pods are found.

use std::path::PathBuf;

use socialset_engine::{
    eval_pods, feature_names, AuditOptions, ImportOptions, NoProgress, PlantConfig, PodConfig,
    TrainParams, Verdict, Workspace,
};

use crate::{import, write};

const STORE: &str = r#"{"type":"account","id":"tw:ann","handle":"ann","followers":1000,"following":250,"posts_count":3650,"created_at":"2014-01-01T00:00:00Z","bio":"Home cook","verified":false,"listed":10,"likes_given":730}
{"type":"post","id":"tw:p1","author":"tw:ann","at":"2015-01-01T00:00:00Z","text":"Risotto","urls":["https://a.example","https://b.example"],"likes":10,"shares":2,"source":"Twitter for iPhone"}
{"type":"post","id":"tw:p2","author":"tw:ann","at":"2015-01-01T01:00:00Z","text":"@bob yes","reply_to":"tw:p9","likes":0,"shares":0,"source":"Twitter Web Client"}
{"type":"post","id":"tw:p3","author":"tw:ann","at":"2015-01-01T03:00:00Z","share_of":"tw:p9","source":"IFTTT"}
{"type":"interaction","src":"tw:bob","dst":"tw:ann","kind":"reply","at":"2014-12-31T10:00:00Z"}
{"type":"interaction","src":"tw:cy","dst":"tw:ann","kind":"reply","at":"2014-12-31T11:00:00Z"}
{"type":"interaction","src":"tw:dee","dst":"tw:ann","kind":"mention","at":"2014-12-31T12:00:00Z"}
{"type":"interaction","src":"tw:bob","dst":"tw:ann","kind":"share","at":"2014-12-31T13:00:00Z"}
{"type":"interaction","src":"tw:ann","dst":"tw:bob","kind":"reply","at":"2015-01-01T02:00:00Z"}
"#;

fn store() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    let file = write(dir.path(), "store.jsonl", STORE.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    (dir, ws)
}

#[test]
fn features_from_the_store_match_the_hand_computed_values() {
    let (_dir, ws) = store();
    let report = ws
        .audit_account("ann", &AuditOptions::default())
        .expect("audit");
    let a = &report.accounts[0];
    let f = |name: &str| {
        let i = feature_names()
            .iter()
            .position(|n| *n == name)
            .expect("known feature");
        a.features[i]
    };
    // Aged at its last action (2015-01-01 03:00), when its profile counts were current.
    let age = 365.0 + 3.0 / 24.0;
    let close = |name: &str, want: f64| {
        let got = f(name).unwrap_or_else(|| panic!("{name} is missing"));
        assert!((got - want).abs() < 1e-9, "{name}: {got} != {want}");
    };
    close("followers_log10", 1001f64.log10());
    close("following_log10", 251f64.log10());
    close("follower_friend_ratio", 4.0);
    close("age_days", age);
    close("posts_per_day", 3650.0 / age);
    close("likes_given_per_day", 730.0 / age);
    close("listed_per_follower", 0.01);
    close("bio_length", 9.0);
    close("verified", 0.0);
    close("share_of_reposts", 1.0 / 3.0);
    close("share_of_replies", 1.0 / 3.0);
    close("links_per_post", 2.0 / 3.0);
    // The share has no counts of its own: likes and reposts per post of p1 and p2.
    close("likes_per_post", 5.0);
    close("shares_per_post", 1.0);
    // The only account of its follower decade with posts: it is its own median.
    close("likes_per_post_vs_tier", 1.0);
    close("sources_count", 3.0);
    close("client_mobile", 1.0);
    close("client_web", 1.0);
    close("client_automation", 1.0);
    close("client_management", 0.0);
    close("client_other", 0.0);
    // bob, cy and dee engage with ann; ann engages back with bob only.
    close("reciprocity", 1.0 / 3.0);
    close("top3_engager_share", 1.0);
    // Handle, bio and creation date; no name or language.
    close("profile_completeness", 3.0 / 5.0);
    // Four timed actions of its own: too few for a burstiness figure.
    assert_eq!(f("burstiness"), None);
    assert_eq!(a.features_known, feature_names().len() - 1);
    assert_ne!(a.verdict, Verdict::TooLittleData);
    assert!(!a.reasons.is_empty() && a.reasons.len() <= 3);
    assert!((0.0..=1.0).contains(&a.bot_probability));
}

#[test]
fn an_account_known_only_from_interactions_gets_no_verdict() {
    let (_dir, ws) = store();
    let report = ws
        .audit_account("tw:cy", &AuditOptions::default())
        .expect("audit");
    let a = &report.accounts[0];
    assert_eq!(a.verdict, Verdict::TooLittleData);
    let names = feature_names();
    for (name, value) in names.iter().zip(&a.features) {
        if ["share_of_reposts", "share_of_replies"].contains(name) {
            assert!(value.is_some(), "{name}");
        } else {
            assert!(value.is_none(), "{name} should be missing, is {value:?}");
        }
    }
    // ann's engagers have too little data: her audience quality says so instead of guessing.
    let ann = ws
        .audit_account("ann", &AuditOptions::default())
        .expect("audit");
    let q = ann.accounts[0].audience;
    assert!(q.real_audience.is_none());
    assert_eq!(q.unassessed_audience, 3);
    assert_eq!(q.unassessed_engagement, 4);
    let all = ws.audit(&AuditOptions::default()).expect("audit all");
    assert_eq!(all.accounts_audited, 4);
    assert_eq!(all.too_little_data, 3);
    assert_eq!(all.accounts[0].id, "tw:ann", "verdicts are listed first");
}

#[test]
fn bad_model_and_label_files_are_refused_with_their_place() {
    let (dir, ws) = store();
    let bad = write(
        dir.path(),
        "model.json",
        b"{\"format\": \"something else\"}",
    );
    let options = AuditOptions {
        model: Some(bad.clone()),
        ..AuditOptions::default()
    };
    let e = ws.audit(&options).expect_err("not a model").to_string();
    assert!(e.contains("model.json"), "{e}");
    assert!(e.contains("not a socialset audit model"), "{e}");

    let out = dir.path().join("out.json");
    let labels = write(
        dir.path(),
        "labels.csv",
        b"account,label\ntw:ann,bot\ntw:nobody,human\n",
    );
    let e = ws
        .train_audit(&labels, &out, &TrainParams::default())
        .expect_err("unknown account")
        .to_string();
    assert!(e.contains("line 3") && e.contains("tw:nobody"), "{e}");
    let labels = write(dir.path(), "few.csv", b"tw:ann,bot\ntw:bob,human\n");
    let e = ws
        .train_audit(&labels, &out, &TrainParams::default())
        .expect_err("too few labels")
        .to_string();
    assert!(e.contains("at least 2 bots and 2 humans"), "{e}");
    assert!(!out.exists(), "no model is written when training fails");
}

#[test]
fn a_model_trained_on_the_store_is_used_by_the_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    // Ten automated accounts (IFTTT, many posts, no replies) and ten people (phone app).
    let mut lines = String::new();
    let mut labels = String::new();
    for i in 0..20 {
        let bot = i < 10;
        lines += &format!(
            "{{\"type\":\"account\",\"id\":\"tw:a{i}\",\"followers\":{},\"following\":{},\"posts_count\":{},\"created_at\":\"2014-01-01T00:00:00Z\"}}\n",
            100 + i,
            if bot { 2000 } else { 150 },
            if bot { 90000 } else { 900 + i }
        );
        for p in 0..3 {
            lines += &format!(
                "{{\"type\":\"post\",\"id\":\"tw:a{i}p{p}\",\"author\":\"tw:a{i}\",\"at\":\"2015-01-0{}T00:00:00Z\",\"source\":\"{}\"}}\n",
                p + 1,
                if bot { "IFTTT" } else { "Twitter for Android" }
            );
        }
        labels += &format!("tw:a{i},{}\n", if bot { "bot" } else { "human" });
    }
    let data = write(dir.path(), "d.jsonl", lines.as_bytes());
    import(&db, &[data], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let labels = write(dir.path(), "labels.csv", labels.as_bytes());
    let model: PathBuf = dir.path().join("mine.json");
    let params = TrainParams {
        trees: 50,
        ..TrainParams::default()
    };
    let r = ws.train_audit(&labels, &model, &params).expect("train");
    assert_eq!((r.bots, r.humans), (10, 10));
    assert!(r.cv_auc.is_some_and(|auc| auc > 0.9), "{r:?}");
    let report = ws
        .audit(&AuditOptions {
            model: Some(model.clone()),
            top: 0,
            // This store is half bots, as the labels were: the probabilities stay as trained.
            bot_share: 0.5,
            ..AuditOptions::default()
        })
        .expect("audit with the trained model");
    assert_eq!(report.model.source, model.display().to_string());
    assert_eq!(report.likely_bots, 10);
    let is_bot = |id: &str| id.trim_start_matches("tw:a").parse::<u32>().expect("id") < 10;
    for a in &report.accounts {
        assert_eq!(a.verdict == Verdict::LikelyBot, is_bot(&a.id), "{a:?}");
    }
    // Expecting fewer bots (the default share) lowers every probability: fewer calls, and
    // none of them wrong.
    let rebased = ws
        .audit(&AuditOptions {
            model: Some(model),
            top: 0,
            ..AuditOptions::default()
        })
        .expect("audit at the default bot share");
    assert!(rebased.likely_bots <= 10, "{}", rebased.likely_bots);
    for a in &rebased.accounts {
        let b = report
            .accounts
            .iter()
            .find(|b| b.id == a.id)
            .expect("same accounts");
        assert!(a.bot_probability <= b.bot_probability + 1e-12, "{a:?}");
        if a.verdict == Verdict::LikelyBot {
            assert!(is_bot(&a.id), "{a:?}");
        }
    }
}

#[test]
fn pods_planted_into_real_higgs_interactions_are_found() {
    let higgs = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/demo/higgs-activity-sample.txt.gz");
    let plant = PlantConfig {
        pods: 10,
        ..PlantConfig::default()
    };
    let e = eval_pods(&higgs, &plant, &PodConfig::default(), &mut NoProgress).expect("eval pods");
    let r = e.recovery;
    assert_eq!(r.planted_pods, 10);
    assert!(r.recall >= 0.9, "{r:?}");
    assert!(r.pods_recovered >= 9, "{r:?}");
    assert!(r.precision >= 0.6, "{r:?}");
}

#[test]
fn verified_pheme_accounts_are_never_called_fakes() {
    // The demo's 99 real PHEME threads: raw v1.1 tweets with their authors' profiles.
    let threads = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/demo/pheme-threads.jsonl.gz");
    let options = AuditOptions {
        top: 0,
        ..AuditOptions::default()
    };
    let e = socialset_engine::eval_verdicts(&threads, None, &options, &mut NoProgress)
        .expect("eval verdicts");
    assert_eq!(
        e.humans + e.publishers + e.fakes + e.too_little_data,
        e.accounts
    );
    assert!(e.verified.accounts >= 50, "{:?}", e.verified);
    assert_eq!(e.verified.fakes, 0, "{:?}", e.verified);
    // Newsrooms posting through marketing suites were automated before, and now are
    // publishers.
    assert!(e.verified.automated_before >= 20, "{:?}", e.verified);
    assert!(e.verified.publishers >= 20, "{:?}", e.verified);
    assert!(
        e.unverified.fakes * 100 <= e.unverified.accounts * 5,
        "{:?}",
        e.unverified
    );
    assert!(e.confusion.is_empty());
}

#[test]
fn hand_labels_name_their_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let labels = write(
        dir.path(),
        "labels.csv",
        b"account,sample,label\ntw:1,random,human\ntw:2,random,robot\n",
    );
    let ws = Workspace::open(&dir.path().join("s.db")).expect("store");
    let e = ws
        .eval_verdicts(Some(&labels), &AuditOptions::default())
        .expect_err("bad label")
        .to_string();
    assert!(e.contains("labels.csv:3"), "{e}");
    assert!(e.contains("label") && e.contains("robot"), "{e}");
}

/// `hide=organisations` leaves out a brand whose name names no organisation but whose bio
/// speaks to customers (Uber Sydney's real PHEME profile), and keeps a person with as many
/// followers and engagers.
#[test]
fn hiding_organisations_hides_a_brand_speaking_to_its_customers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    let mut lines = String::from(
        r#"{"type":"account","id":"tw:uber","handle":"Uber_Sydney","name":"Uber Sydney","followers":5125,"following":675,"posts_count":3142,"bio":"Your own on-demand private driver. Get the app, then order a stylish ride to take you where you want.","verified":true,"listed":59}
{"type":"account","id":"tw:kim","handle":"kim","name":"Kim Lee","followers":5125,"following":675,"posts_count":3142,"bio":"Nurse in Sydney. Coffee, running, and my two dogs.","verified":false,"listed":59}
"#,
    );
    for (i, fan) in ["a", "b", "c", "d"].iter().enumerate() {
        for target in ["uber", "kim"] {
            lines += &format!(
                "{{\"type\":\"interaction\",\"src\":\"tw:{fan}\",\"dst\":\"tw:{target}\",\"kind\":\"reply\",\"at\":\"2014-12-15T0{i}:00:00Z\"}}\n"
            );
        }
    }
    let file = write(dir.path(), "store.jsonl", lines.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let listed = |hide: &str| {
        let report = ws
            .rank(&socialset_engine::RankOptions {
                hide: socialset_engine::Hide::parse(hide).expect("hide"),
                ..Default::default()
            })
            .expect("rank");
        let handles: Vec<String> = report
            .accounts
            .iter()
            .filter_map(|a| a.handle.clone())
            .collect();
        (handles, report.hidden_organisations)
    };
    let (all, _) = listed("");
    assert!(
        all.contains(&"Uber_Sydney".to_owned()) && all.contains(&"kim".to_owned()),
        "{all:?}"
    );
    let (shown, hidden) = listed("organisations");
    assert_eq!(shown, ["kim"], "the brand is hidden, the person stays");
    assert_eq!(hidden, 1);
}
