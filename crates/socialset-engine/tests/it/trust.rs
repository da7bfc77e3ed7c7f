//! Trust from ratings through the engine: fairness and goodness on a graph small enough to
//! check by hand (negative ratings, an isolated account), EigenTrust's pre-trusted accounts,
//! and bad rating files refused with file, line and field.

use socialset_engine::{eval_trust, ImportOptions, NoProgress, TrustOptions, Workspace};

use crate::{import, write};

// ann and bob rate cy +10, dee rates cy −10; eve has a profile and no ratings.
const RATINGS: &str = r#"{"type":"rating","src":"tw:ann","dst":"tw:cy","value":10}
{"type":"rating","src":"tw:bob","dst":"tw:cy","value":10}
{"type":"rating","src":"tw:dee","dst":"tw:cy","value":-10}
{"type":"account","id":"tw:eve","handle":"eve","followers":12}
"#;

#[test]
fn fairness_goodness_and_evidence_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let file = write(dir.path(), "r.jsonl", RATINGS.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let r = ws
        .trust(&TrustOptions {
            top: 0,
            ..TrustOptions::default()
        })
        .expect("trust");
    assert_eq!((r.ratings, r.rated_accounts, r.scale), (3, 4, 10.0));
    assert!(r.converged);
    let line = |id: &str| {
        r.accounts
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id} listed"))
    };
    // Fixed point: g(cy) = (f(ann) + f(bob) − f(dee)) / 3 with f(ann) = 1 − |1 − g|/2 and
    // f(dee) = 1 − |−1 − g|/2: g = 1/3, f(ann) = f(bob) = 2/3, f(dee) = 1/3.
    let cy = line("tw:cy");
    assert!((cy.goodness - 1.0 / 3.0).abs() < 1e-6, "{cy:?}");
    assert_eq!((cy.ratings_received, cy.ratings_given), (3, 0));
    assert_eq!(cy.positive_received, Some(2.0 / 3.0));
    assert!(
        (cy.trust - cy.goodness * 3.0 / 8.0).abs() < 1e-12,
        "shrunk by n/(n+5)"
    );
    assert!((line("tw:ann").fairness - 2.0 / 3.0).abs() < 1e-6);
    assert!((line("tw:dee").fairness - 1.0 / 3.0).abs() < 1e-6);
    assert!(line("tw:dee").positive_received.is_none());
    // The isolated account is not listed: it has no evidence either way.
    assert!(r.accounts.iter().all(|a| a.id != "tw:eve"));
    assert_eq!(r.accounts[0].id, "tw:cy", "the only rated account leads");
    let total: f64 = r.accounts.iter().map(|a| a.eigentrust).sum();
    assert!(total <= 1.0 + 1e-9);
    // One account asked for: only it is listed, scored as among all.
    let one = ws
        .trust(&TrustOptions {
            account: Some("TW:ANN".into()),
            ..TrustOptions::default()
        })
        .expect("trust of one");
    assert_eq!(one.accounts.len(), 1);
    assert_eq!(one.accounts[0], *line("tw:ann"));

    // Pre-trusted dee: its only rating is negative, so no trust flows to cy from it.
    let pre = ws
        .trust(&TrustOptions {
            top: 0,
            pretrusted: vec!["tw:dee".into()],
            ..TrustOptions::default()
        })
        .expect("trust");
    assert_eq!(pre.pretrusted, ["tw:dee"]);
    let cy = pre.accounts.iter().find(|a| a.id == "tw:cy").expect("cy");
    assert_eq!(cy.eigentrust, 0.0);
    let e = ws
        .trust(&TrustOptions {
            pretrusted: vec!["tw:nobody".into()],
            ..TrustOptions::default()
        })
        .expect_err("unknown pre-trusted account");
    assert!(e.to_string().contains("no account matches"), "{e}");
}

#[test]
fn a_store_without_ratings_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let file = write(
        dir.path(),
        "a.jsonl",
        b"{\"type\":\"account\",\"id\":\"tw:eve\"}\n",
    );
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let e = Workspace::open(&db)
        .expect("open")
        .trust(&TrustOptions::default())
        .expect_err("no ratings");
    assert!(e.to_string().contains("no ratings"), "{e}");
}

#[test]
fn bad_rating_files_name_file_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut good = String::from("source,target,rating,time\n");
    for i in 0..30 {
        good += &format!(
            "{},{},{},{}\n",
            i % 7,
            (i * 3 + 1) % 11,
            if i % 4 == 0 { -3 } else { 8 },
            1_300_000_000 + i
        );
    }
    let ok = write(dir.path(), "ok.csv", good.as_bytes());
    let e = eval_trust(&ok, 0.1, 0, &mut NoProgress).expect("a small file evaluates");
    assert_eq!(e.ratings, 30);
    assert_eq!(e.held_out, 3);
    assert_eq!(e.methods.len(), 3);
    let loo = socialset_engine::eval_trust_loo(&ok, 0, &mut NoProgress).expect("leave-one-out");
    assert_eq!((loo.ratings, loo.held_out), (30, 30));
    assert_eq!(
        loo.methods[0].pearson, None,
        "the mean's correlation is not reported"
    );
    assert!(loo.methods[1].rmse.is_finite() && loo.methods[2].rmse.is_finite());
    for (name, text, want) in [
        (
            "huge.csv",
            "1,2,5\n2,3,1e300\n",
            "huge.csv:2: field \"rating\": is out of range",
        ),
        (
            "short.csv",
            "1,2,5\n2,3\n",
            "short.csv:2: expected 3 or 4 comma-separated fields",
        ),
        (
            "word.csv",
            "1,2,5\n2,3,good\n",
            "word.csv:2: field \"rating\": is not a finite number",
        ),
    ] {
        let path = write(dir.path(), name, text.as_bytes());
        let e = eval_trust(&path, 0.1, 0, &mut NoProgress)
            .expect_err("bad file")
            .to_string();
        assert!(e.contains(want), "{e}");
    }
    let e = eval_trust(&ok, 1.5, 0, &mut NoProgress)
        .expect_err("bad share")
        .to_string();
    assert!(e.contains("between 0 and 1"), "{e}");
}
