//! `socialset stance`, `socialset eval stance` and the stance of a claim's replies, on the
//! demo's PHEME threads and their RumourEval labels (tests/data/stance).

use super::{demo_store, fixture, json_of, socialset};

#[test]
fn stance_calls_a_reply_in_every_format_and_refuses_italian() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("unused.db");
    let j = json_of(
        &db,
        &[
            "stance",
            "is this confirmed? any source?",
            "--format",
            "json",
        ],
    );
    assert_eq!(j["stance"], "query", "{j}");
    let sum: f64 = ["support", "deny", "query", "comment"]
        .iter()
        .map(|k| j[k].as_f64().unwrap_or(f64::NAN))
        .sum();
    assert!((sum - 1.0).abs() < 1e-9, "{j}");
    assert!(
        j["drivers"].as_array().is_some_and(|d| !d.is_empty()),
        "{j}"
    );
    let out = socialset(&db, &["stance", "this is fake", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.starts_with("stance,support,deny,query,comment,drivers"),
        "{csv}"
    );
    let out = socialset(
        &db,
        &["stance", "non è vero, è una bufala per niente credibile"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Italian"), "{err}");
    let out = socialset(&db, &["stance", "why?", "--position", "sideways"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("source, reply or nested"));
}

#[test]
fn eval_stance_beats_the_majority_class_on_held_out_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("unused.db");
    let data = fixture("demo/pheme-threads.jsonl.gz");
    let train = fixture("stance/subtaskA-train-demo.json");
    let dev = fixture("stance/subtaskA-dev-demo.json");
    let [data, train, dev] = [&data, &train, &dev].map(|p| p.to_str().unwrap_or_default());
    let j = json_of(
        &db,
        &[
            "eval", "stance", "--data", data, "--labels", train, "--test", dev, "--json",
        ],
    );
    assert_eq!(j["found"], 1395, "{j}");
    assert_eq!(j["tested"], 125, "{j}");
    let f1 = |m: usize| j["methods"][m]["macro_f1"].as_f64().unwrap_or(f64::NAN);
    let names: Vec<&str> = (0..3)
        .map(|m| j["methods"][m]["method"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names[0], "majority class");
    assert!(names[1].starts_with("word n-grams"));
    assert_eq!(names[2], "socialset");
    // The majority class (comment) scores F1 on one class of four only.
    assert!(f1(0) < 0.25, "{j}");
    assert!(f1(2) > f1(0) + 0.1, "{j}");
    // Cross-validation keeps conversations whole: every labelled post tested once.
    let cv = json_of(
        &db,
        &[
            "eval",
            "stance",
            "--data",
            data,
            "--labels",
            train,
            "--cross-validate",
            "3",
            "--json",
        ],
    );
    let confusion_total: u64 = cv["methods"][2]["confusion"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(confusion_total, 1395, "{cv}");
    // Labels that are not stances are named with their file and id.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"499366666300846081": "agree"}"#).expect("write");
    let out = socialset(
        &db,
        &[
            "eval",
            "stance",
            "--data",
            data,
            "--labels",
            bad.to_str().unwrap_or_default(),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json") && err.contains("499366666300846081"),
        "{err}"
    );
}

#[test]
fn a_claim_counts_the_stance_of_its_replies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_store(dir.path());
    let claims = json_of(
        &db,
        &["claims", "--kind", "text", "--top", "1", "--format", "json"],
    );
    let id = claims["claims"][0]["id"]
        .as_str()
        .expect("a story")
        .to_owned();
    let c = json_of(&db, &["claim", &id, "--format", "json"]);
    let r = &c["replies"];
    let called: u64 = ["support", "deny", "query", "comment"]
        .iter()
        .map(|k| r[k].as_u64().unwrap_or(0))
        .sum();
    assert!(called > 0, "{c}");
    for e in r["examples"].as_array().expect("examples") {
        assert!(e["stance"] == "deny" || e["stance"] == "query", "{e}");
        assert!(e["text"].as_str().is_some_and(|t| !t.is_empty()), "{e}");
    }
    let out = socialset(&db, &["claim", &id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Stance of its"), "{text}");
}

#[test]
fn eval_veracity_cross_validates_by_claim_beside_its_baselines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("unused.db");
    let data = fixture("demo/pheme-threads.jsonl.gz");
    let labels = fixture("stance/veracity-demo.tsv");
    let stance = fixture("stance/subtaskA-train-demo.json");
    let [data, labels, stance] = [&data, &labels, &stance].map(|p| p.to_str().unwrap_or_default());
    let j = json_of(
        &db,
        &[
            "eval",
            "veracity",
            "--data",
            data,
            "--labels",
            labels,
            "--stance-labels",
            stance,
            "--cross-validate",
            "3",
            "--json",
        ],
    );
    assert_eq!(j["found"], 99, "{j}");
    assert_eq!(j["labels"]["true"], 43, "{j}");
    let methods = j["methods"].as_array().expect("methods");
    assert_eq!(methods.len(), 4);
    assert_eq!(methods[0]["method"], "majority label");
    for m in methods {
        // Every claim is tested once, in the fold that held it out.
        let total: u64 = m["confusion"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .filter_map(serde_json::Value::as_u64)
            .sum();
        assert_eq!(total, 99, "{m}");
    }
    // The majority label scores F1 on one label of three only.
    assert!(methods[0]["macro_f1"].as_f64().unwrap_or(1.0) < 0.34, "{j}");
    assert!(
        j["stance"]
            .as_str()
            .is_some_and(|s| s.contains("each fold's own")),
        "{j}"
    );
    // More labels than credibility tells apart are refused, naming the file.
    let bad = dir.path().join("five.tsv");
    std::fs::write(&bad, "thread_id\tlabel\n1\ta\n2\tb\n3\tc\n4\td\n5\te\n").expect("write");
    let out = socialset(
        &db,
        &[
            "eval",
            "veracity",
            "--data",
            data,
            "--labels",
            bad.to_str().unwrap_or_default(),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("five.tsv") && err.contains("at most 4"),
        "{err}"
    );
}
