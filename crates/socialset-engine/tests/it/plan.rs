//! The planner through the engine, on the real Higgs sample: the plan keeps to its budget,
//! honours exclusions and the native threshold, and is the same for the same seed.

use std::path::PathBuf;

use socialset_engine::{ImportOptions, Model, PlanOptions, PriceList, Probabilities, Workspace};

use crate::{import, write};

fn higgs() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/demo/higgs-activity-sample.txt.gz");
    import(&db, &[file], &ImportOptions::default()).expect("import");
    // Two accounts get follower counts: one native, one professional.
    let profiles = write(
        dir.path(),
        "p.jsonl",
        b"{\"type\":\"account\",\"id\":\"higgs:677\",\"followers\":1200}\n{\"type\":\"account\",\"id\":\"higgs:13808\",\"followers\":45000}\n",
    );
    import(&db, &[profiles], &ImportOptions::default()).expect("import profiles");
    let ws = Workspace::open(&db).expect("open");
    (dir, ws)
}

/// The options these tests were written for: a simulated cascade (IMM) with weighted-cascade
/// probabilities, over a sample whose accounts mostly have no follower count (counted as
/// natives by request).
fn simulated() -> PlanOptions {
    PlanOptions {
        probabilities: Probabilities::WeightedCascade,
        assume_native_if_unknown: true,
        ..PlanOptions::default()
    }
}

/// By default reach is learned and forecast, and an account whose follower count is unknown
/// is no native: here only higgs:677 (1,200 followers) can be a member.
#[test]
fn the_default_plan_forecasts_and_leaves_unknown_audiences_out() {
    let (_dir, ws) = higgs();
    let defaults = PlanOptions::default();
    assert_eq!(defaults.probabilities, Probabilities::Learned);
    assert!(!defaults.assume_native_if_unknown);
    let r = ws
        .plan(&PlanOptions {
            budget: 500.0,
            ..defaults.clone()
        })
        .expect("plan");
    let ids: Vec<&str> = r.social_set.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["higgs:677"]);
    assert_eq!(r.candidates, 1);
    let known = 2;
    assert!(r.left_out_unknown_audience > 0);
    assert_eq!(r.left_out_unknown_audience + known, r.accounts);
    let fit = r.learned.as_ref().expect("the learned fit");
    assert_eq!(fit.horizon_days, 7.0);
    assert!(fit.candidates.len() >= 8, "every candidate scored");
    let f = r.social_set.forecast.as_ref().expect("a forecast");
    let s = &r.social_set.reach;
    assert!(s.low <= s.mean && s.mean <= s.high && s.simulations == 0);
    assert!(f.sd_outcome > 0.0 && f.sd_parameters >= 0.0 && f.sd_past_forecasts >= 0.0);
    assert_eq!(r.social_set.nominal_audience, Some(1_200));
    // The professional plan: higgs:13808 with its 45,000 followers as nominal audience.
    let p = r.professional.as_ref().expect("a professional plan");
    assert_eq!(p.nominal_audience, Some(45_000));
    assert!(p.forecast.is_some());
    // Counted as natives on request, the others join the candidates.
    let r = ws
        .plan(&PlanOptions {
            budget: 500.0,
            assume_native_if_unknown: true,
            ..defaults.clone()
        })
        .expect("plan");
    assert_eq!(r.left_out_unknown_audience, 0);
    assert_eq!(r.social_set.members.len(), 10);
    assert_eq!(
        r.social_set.nominal_audience, None,
        "unknown counts have no sum"
    );
    // A horizon outside (0, 366] days is refused naming it.
    let e = ws
        .plan(&PlanOptions {
            budget: 500.0,
            horizon_days: 0.0,
            ..defaults
        })
        .expect_err("refused");
    assert!(e.to_string().contains("at most 366 days"), "{e}");
}

#[test]
fn a_plan_keeps_to_its_budget_and_rules() {
    let (_dir, ws) = higgs();
    for budget in [50.0, 120.0, 500.0] {
        let options = PlanOptions {
            budget,
            simulations: 2_000,
            exclude: vec!["higgs:88".into()],
            ..simulated()
        };
        let r = ws.plan(&options).expect("plan");
        let s = &r.social_set;
        assert!(s.cost <= budget + 1e-9, "budget {budget}: spent {}", s.cost);
        assert_eq!(
            s.members.len(),
            (budget / 50.0) as usize,
            "every native candidate costs €50"
        );
        assert!(s.members.iter().all(|m| m.id != "higgs:88"), "excluded");
        assert!(
            s.members.iter().all(|m| m.id != "higgs:13808"),
            "not native"
        );
        assert!(s.reach.low <= s.reach.mean && s.reach.mean <= s.reach.high);
        assert!(
            s.reach.mean >= s.members.len() as f64,
            "members reach themselves"
        );
        // Marginal gains come in the order they were chosen: never increasing.
        let gains: Vec<f64> = s
            .members
            .iter()
            .map(|m| m.marginal_reach.expect("chosen by gain"))
            .collect();
        assert!(gains.windows(2).all(|w| w[0] >= w[1] - 1e-9), "{gains:?}");
        if budget >= 250.0 {
            let p = r.professional.as_ref().expect("one professional fits");
            assert_eq!(p.members[0].id, "higgs:13808");
            assert_eq!(p.cost, 250.0);
            let o = r.audience_overlap.expect("an overlap with two plans");
            assert!(
                0.0 <= o.low && o.low <= o.mean && o.mean <= o.high && o.high <= 1.0 + 1e-9,
                "{o:?}"
            );
        } else {
            assert_eq!(r.audience_overlap, None, "no professional plan, no overlap");
        }
        assert_eq!(ws.plan(&options).expect("again"), r, "same seed, same plan");
    }
}

#[test]
fn a_plan_spreads_over_communities_when_asked() {
    let (_dir, ws) = higgs();
    let options = PlanOptions {
        budget: 400.0,
        simulations: 1_000,
        max_per_community: Some(1),
        ..simulated()
    };
    let r = ws.plan(&options).expect("plan");
    let mut seen: Vec<u32> = r
        .social_set
        .members
        .iter()
        .map(|m| m.community.expect("community known when capped"))
        .collect();
    let n = seen.len();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), n, "one member per community");
    assert!(n >= 2);
    let free = ws
        .plan(&PlanOptions {
            max_per_community: None,
            ..options
        })
        .expect("plan");
    assert!(free
        .social_set
        .members
        .iter()
        .all(|m| m.community.is_none()));
    // The cap can only cost reach, never add it (up to Monte Carlo noise).
    assert!(free.social_set.reach.high >= r.social_set.reach.low);
}

#[test]
fn reach_can_be_counted_in_a_target_audience() {
    let (_dir, ws) = higgs();
    let all = ws
        .plan(&PlanOptions {
            budget: 200.0,
            simulations: 1_000,
            ..simulated()
        })
        .expect("plan");
    assert_eq!(all.audience, all.accounts);
    let some = ws
        .plan(&PlanOptions {
            budget: 200.0,
            simulations: 1_000,
            audience_communities: vec![0],
            ..simulated()
        })
        .expect("plan for community 0");
    assert!(some.audience < some.accounts && some.audience > 0);
    assert!(some.social_set.reach.mean <= some.audience as f64);
    assert!(some.social_set.reach.mean < all.social_set.reach.mean);
    // The members' gains add up to the reach: IMM's estimate from RR sets rooted in the
    // audience against the simulation's, so up to sampling error (ε = 0.2).
    let gains = |r: &socialset_engine::PlanReport| -> f64 {
        r.social_set
            .members
            .iter()
            .map(|m| m.marginal_reach.expect("chosen by gain"))
            .sum()
    };
    for r in [&all, &some] {
        let (sum, reach) = (gains(r), r.social_set.reach.mean);
        assert!(
            (sum - reach).abs() <= 0.2 * reach + 1.0,
            "gains {sum} against reach {reach}"
        );
    }
    // With the learned model the reach is exact, and so is the sum.
    let learned = ws
        .plan(&PlanOptions {
            budget: 200.0,
            audience_communities: vec![0],
            assume_native_if_unknown: true,
            ..PlanOptions::default()
        })
        .expect("learned plan for community 0");
    let (sum, reach) = (gains(&learned), learned.social_set.reach.mean);
    assert!(
        reach > 0.0 && (sum - reach).abs() < 1e-6 * reach.max(1.0),
        "gains {sum} against reach {reach}"
    );
    // Higgs has no post texts: nobody is interested in a topic, and the plan says so.
    let e = ws
        .plan(&PlanOptions {
            topic: Some("#higgs".into()),
            ..simulated()
        })
        .expect_err("empty audience");
    assert!(e.to_string().contains("target audience"), "{e}");
}

#[test]
fn bad_plans_and_price_lists_are_refused() {
    let (dir, ws) = higgs();
    let e = ws
        .plan(&PlanOptions {
            budget: 0.0,
            ..simulated()
        })
        .expect_err("no budget");
    assert!(e.to_string().contains("positive amount"), "{e}");
    let e = ws
        .plan(&PlanOptions {
            exclude: vec!["nobody".into()],
            ..simulated()
        })
        .expect_err("unknown account");
    assert!(e.to_string().contains("no account matches"), "{e}");
    let prices = write(
        dir.path(),
        "prices.csv",
        b"tier,price\nnano,20\nunknown,10\n",
    );
    let p = PriceList::read(&prices).expect("prices");
    assert_eq!((p.nano, p.unknown, p.micro), (20.0, 10.0, 250.0));
    let bad = write(dir.path(), "bad.csv", b"nano,20\ngiga,5\n");
    let e = PriceList::read(&bad).expect_err("unknown tier").to_string();
    assert!(
        e.contains("bad.csv:2") && e.contains("field \"tier\""),
        "{e}"
    );
    let neg = write(dir.path(), "neg.csv", b"nano,-3\n");
    assert!(PriceList::read(&neg)
        .expect_err("negative")
        .to_string()
        .contains("neg.csv:1"));
}

#[test]
fn linear_threshold_and_engagement_rates_plan_within_budget() {
    let (_dir, ws) = higgs();
    let base = PlanOptions {
        budget: 200.0,
        simulations: 2_000,
        ..simulated()
    };
    let ic = ws.plan(&base).expect("ic");
    for (model, probabilities) in [
        (Model::LinearThreshold, Probabilities::WeightedCascade),
        (Model::IndependentCascade, Probabilities::Engagement),
        (Model::LinearThreshold, Probabilities::Engagement),
    ] {
        let r = ws
            .plan(&PlanOptions {
                model,
                probabilities,
                ..base.clone()
            })
            .expect("plan");
        assert_eq!((r.model, r.probabilities), (model, probabilities));
        let s = &r.social_set;
        assert!(s.cost <= 200.0 + 1e-9 && !s.members.is_empty());
        assert!(s.reach.mean >= s.members.len() as f64);
        if probabilities == Probabilities::Engagement {
            // Observed rates differ from 1/in-degree: another graph, another reach.
            assert!(
                (s.reach.mean - ic.social_set.reach.mean).abs() > 1e-6,
                "{model:?}: same reach as weighted cascade"
            );
        }
    }
}

#[test]
fn dependent_accounts_are_left_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    // b's every post is sponsored; c and d post plainly; all three draw engagement.
    let data = write(
        dir.path(),
        "d.jsonl",
        "{\"type\":\"post\",\"id\":\"p1\",\"author\":\"b\",\"text\":\"Love it #ad\"}\n\
         {\"type\":\"post\",\"id\":\"p2\",\"author\":\"c\",\"text\":\"A walk in the park\"}\n\
         {\"type\":\"post\",\"id\":\"p3\",\"author\":\"d\",\"text\":\"Rainy day\"}\n\
         {\"type\":\"interaction\",\"src\":\"x\",\"dst\":\"b\",\"kind\":\"share\",\"post\":\"p1\"}\n\
         {\"type\":\"interaction\",\"src\":\"y\",\"dst\":\"b\",\"kind\":\"share\",\"post\":\"p1\"}\n\
         {\"type\":\"interaction\",\"src\":\"z\",\"dst\":\"b\",\"kind\":\"share\",\"post\":\"p1\"}\n\
         {\"type\":\"interaction\",\"src\":\"x\",\"dst\":\"c\",\"kind\":\"reply\",\"post\":\"p2\"}\n\
         {\"type\":\"interaction\",\"src\":\"y\",\"dst\":\"d\",\"kind\":\"reply\",\"post\":\"p3\"}\n"
            .as_bytes(),
    );
    import(&db, &[data], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    let options = PlanOptions {
        budget: 50.0,
        simulations: 500,
        min_authenticity: None,
        ..simulated()
    };
    let free = ws.plan(&options).expect("plan");
    assert_eq!(
        free.social_set.members[0].id, "local:b",
        "b reaches the most"
    );
    let r = ws
        .plan(&PlanOptions {
            min_independence: Some(0.5),
            ..options
        })
        .expect("plan");
    assert_eq!(r.left_out_as_dependent, 1);
    assert!(r.social_set.members.iter().all(|m| m.id != "local:b"));
}

#[test]
fn a_given_professional_list_is_bought_in_order() {
    let (_dir, ws) = higgs();
    let r = ws
        .plan(&PlanOptions {
            budget: 100.0,
            simulations: 500,
            professionals: vec!["higgs:13808".into(), "higgs:88".into(), "higgs:677".into()],
            ..simulated()
        })
        .expect("plan");
    let p = r.professional.expect("a professional plan");
    // 13808 (45,000 followers, micro: €250) does not fit €100; 88 (unknown: €50) and 677
    // (1,200 followers, nano: €50) do, in the order given.
    let ids: Vec<&str> = p.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["higgs:88", "higgs:677"]);
    assert_eq!(p.cost, 100.0);
    let e = ws
        .plan(&PlanOptions {
            professionals: vec!["nobody".into()],
            ..simulated()
        })
        .expect_err("unknown account");
    assert!(e.to_string().contains("no account matches"), "{e}");
}
