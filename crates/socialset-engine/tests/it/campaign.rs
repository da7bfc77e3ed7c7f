//! Campaigns through the engine: created and checked, members from a plan, conversions from
//! a file all or none (currencies, bad rows), posts found in the imported data, and a report
//! whose figures add up.

use socialset_engine::{
    CampaignSpec, Click, ImportOptions, NewMember, Objective, Rates, ReportOptions, Role,
    Timestamp, Workspace,
};

use crate::{import, write};

const POSTS: &str = r##"{"type":"account","id":"tw:ann","handle":"ann","followers":900}
{"type":"account","id":"tw:bob","handle":"bob","followers":80000}
{"type":"account","id":"tw:cus","handle":"cus"}
{"type":"account","id":"tw:acme","handle":"acme","is_brand":true}
{"type":"post","id":"tw:p1","author":"tw:ann","at":"2026-07-02T10:00:00Z","text":"#adv Love the new @acme lemonade! Code ANN10 https://shop.example/summer?ref=ann #acmesummer","hashtags":["adv","acmesummer"],"urls":["https://shop.example/summer?ref=ann"],"likes":5}
{"type":"post","id":"tw:p2","author":"tw:bob","at":"2026-07-03T10:00:00Z","text":"summer vibes #acmesummer","hashtags":["acmesummer"]}
{"type":"post","id":"tw:p3","author":"tw:ann","at":"2026-06-01T10:00:00Z","text":"before the campaign #acmesummer","hashtags":["acmesummer"]}
{"type":"post","id":"tw:q1","author":"tw:cus","at":"2026-07-04T10:00:00Z","text":"Where can I buy acme lemonade?"}
{"type":"interaction","src":"tw:cus","dst":"tw:ann","kind":"like","post":"tw:p1","at":"2026-07-02T11:00:00Z"}
{"type":"interaction","src":"tw:bob","dst":"tw:ann","kind":"share","post":"tw:p1","at":"2026-07-02T12:00:00Z"}
"##;

fn ts(s: &str) -> Timestamp {
    socialset_engine::parse_time(s).expect("time")
}

fn spec(name: &str) -> CampaignSpec {
    CampaignSpec {
        name: name.into(),
        brand: "acme".into(),
        brief: None,
        objective: Objective::Conversions,
        start: ts("2026-07-01"),
        end: ts("2026-07-31"),
        budget: 1000.0,
        currency: "EUR".into(),
        destination: "https://shop.example/summer".into(),
        hashtags: vec!["#AcmeSummer".into()],
        disclosure: vec!["#adv".into()],
    }
}

fn store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("s.db");
    let f = write(dir.path(), "posts.jsonl", POSTS.as_bytes());
    import(&db, &[f], &ImportOptions::default()).expect("import");
    (dir, db)
}

fn member(account: &str, role: Role, fee: f64, code: &str) -> NewMember {
    NewMember {
        account: account.into(),
        role,
        fee,
        status: socialset_engine::MemberStatus::Accepted,
        promo_code: Some(code.into()),
        predicted_reach: None,
    }
}

#[test]
fn bad_campaigns_are_refused_naming_the_field() {
    let (_d, db) = store();
    let mut ws = Workspace::open(&db).expect("open");
    for (change, field) in [
        (
            Box::new(|s: &mut CampaignSpec| s.destination = "javascript:alert(1)".into())
                as Box<dyn Fn(&mut CampaignSpec)>,
            "destination",
        ),
        (
            Box::new(|s: &mut CampaignSpec| s.destination = "https://@evil.example".into()),
            "destination",
        ),
        (
            Box::new(|s: &mut CampaignSpec| s.currency = "euro".into()),
            "currency",
        ),
        (Box::new(|s: &mut CampaignSpec| s.end = s.start), "end"),
        (
            Box::new(|s: &mut CampaignSpec| s.budget = f64::NAN),
            "budget",
        ),
        (
            Box::new(|s: &mut CampaignSpec| s.name = "a b".into()),
            "name",
        ),
    ] {
        let mut s = spec("c1");
        change(&mut s);
        match ws.create_campaign(&s) {
            Err(socialset_engine::Error::Refused { parameter, .. }) => assert_eq!(parameter, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    ws.create_campaign(&spec("c1")).expect("create");
    assert!(
        ws.create_campaign(&spec("c1")).is_err(),
        "a name is taken once"
    );
    let e = ws
        .campaign_report("nope", &ReportOptions::default())
        .expect_err("unknown");
    assert!(matches!(e, socialset_engine::Error::NotFound(_)), "{e}");
    assert!(e.to_string().contains("known: c1"), "{e}");
}

#[test]
fn a_campaign_from_members_to_report() {
    let (dir, db) = store();
    let mut ws = Workspace::open(&db).expect("open");
    let c = ws.create_campaign(&spec("summer")).expect("create");
    assert_eq!(c.hashtags, vec!["acmesummer"]);
    let e = ws
        .add_members("summer", &[member("@nobody", Role::Native, 10.0, "X1")])
        .expect_err("unknown handle");
    assert!(e.to_string().contains("@nobody"), "{e}");
    let members = ws
        .add_members(
            "summer",
            &[
                member("@ann", Role::Native, 100.0, "ann10"),
                member("tw:bob", Role::Professional, 900.0, "BOB10"),
                member("ig:outside", Role::Professional, 500.0, "OUT10"),
            ],
        )
        .expect("members");
    assert_eq!(members.len(), 3);
    let ann = members
        .iter()
        .find(|m| m.account.as_str() == "tw:ann")
        .expect("ann");
    assert_eq!(ann.promo_code, "ANN10");
    // A post carrying ann's own tracking link, imported now that the link exists.
    let linked = format!(
        "{{\"type\":\"post\",\"id\":\"tw:p4\",\"author\":\"tw:ann\",\"at\":\"2026-07-09T10:00:00Z\",\"text\":\"try it https://s.example/r/{}\"}}\n",
        ann.link
    );
    let f = write(dir.path(), "p4.jsonl", linked.as_bytes());
    import(&db, &[f], &ImportOptions::default()).expect("import p4");
    // A second member with the same code is refused.
    let e = ws
        .add_members("summer", &[member("tw:cus", Role::Native, 10.0, "ann10")])
        .expect_err("taken");
    assert!(e.to_string().contains("ANN10"), "{e}");

    // Clicks: a visit, a repeat, a preview; another visitor.
    let click = |m: &str, at: &str, v: u64, nc| Click {
        id: 0,
        campaign: "summer".into(),
        member: socialset_engine::AccountId::new(m),
        at: ts(at),
        visitor: v,
        not_counted: nc,
    };
    let ids = ws
        .record_clicks(&[
            click("tw:ann", "2026-07-02T12:00:00Z", 1, None),
            click("tw:ann", "2026-07-02T12:10:00Z", 1, None),
            click(
                "tw:ann",
                "2026-07-02T12:11:00Z",
                99,
                Some(socialset_engine::NotCounted::Preview),
            ),
            click("tw:bob", "2026-07-03T12:00:00Z", 2, None),
        ])
        .expect("clicks");

    // Conversions: one in dollars needs a rate; a bad row changes nothing.
    let file = write(
        dir.path(),
        "orders.csv",
        format!(
            "order_id,at,value,currency,code,click\n\
             1,2026-07-02T13:00:00Z,30,EUR,,{}\n\
             2,2026-07-05T09:00:00Z,50,USD,bob10,\n\
             3,2026-07-06T09:00:00Z,20,EUR,,\n",
            ids[0]
        )
        .as_bytes(),
    );
    let e = ws
        .import_conversions("summer", &file, &Rates::new())
        .expect_err("no rate");
    assert!(
        e.to_string().contains("orders.csv:3: field \"currency\""),
        "{e}"
    );
    let bad = write(
        dir.path(),
        "bad.csv",
        b"order_id,at,value,currency\n9,2026-07-02,abc,EUR\n",
    );
    let e = ws
        .import_conversions("summer", &bad, &Rates::new())
        .expect_err("bad value");
    assert!(e.to_string().contains("bad.csv:2: field \"value\""), "{e}");
    let r = ws
        .campaign_report("summer", &ReportOptions::default())
        .expect("report");
    assert_eq!(
        r.total.totals.conversions, 0,
        "nothing was added by the failed files"
    );

    let rates = Rates::from([("USD".to_owned(), 0.9)]);
    let added = ws
        .import_conversions("summer", &file, &rates)
        .expect("orders");
    assert_eq!((added.read, added.added), (3, 3));
    let again = ws
        .import_conversions("summer", &file, &rates)
        .expect("again");
    assert_eq!(
        (again.added, again.already_held),
        (0, 3),
        "a repeated order id counts once"
    );

    let r = ws
        .campaign_report("summer", &ReportOptions::default())
        .expect("report");
    assert_eq!(r.clicks.requests, 4);
    assert_eq!(
        (r.clicks.visits, r.clicks.repeats, r.clicks.previews),
        (2, 1, 1)
    );
    let line = |id: &str| {
        r.members
            .iter()
            .find(|m| m.member.account.as_str() == id)
            .expect(id)
    };
    let ann = line("tw:ann");
    assert_eq!(
        (ann.figures.totals.clicks, ann.figures.totals.conversions),
        (1, 1)
    );
    assert_eq!(ann.figures.totals.converting_clicks, 1);
    assert_eq!(ann.figures.totals.revenue, 30.0);
    let bob = line("tw:bob");
    assert_eq!(bob.figures.totals.conversions, 1, "by code");
    assert!(
        (bob.figures.totals.revenue - 45.0).abs() < 1e-9,
        "50 USD at 0.9"
    );
    assert!(!line("ig:outside").in_data);
    assert_eq!(r.unclaimed.orders, 1, "order 3 has neither code nor click");
    assert_eq!(r.unclaimed.revenue, 20.0);
    // Posts: ann's p1 (link, code, hashtag; within the campaign), bob's p2; not p3 (before).
    let ids: Vec<&str> = r.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["tw:p1", "tw:p2", "tw:p4"]);
    assert_eq!(r.posts[2].matched_by, vec!["link"]);
    let p1 = &r.posts[0];
    assert_eq!(p1.matched_by, vec!["link", "code", "#acmesummer"]);
    assert_eq!(p1.reach, 2);
    assert_eq!(p1.engagements, 5 + 2);
    assert_eq!(p1.disclosure, "compliant");
    assert!(p1.required_label);
    assert_eq!(
        r.posts[1].disclosure, "undisclosed",
        "a campaign post without a label"
    );
    assert_eq!(ann.figures.totals.reach, 2);
    // Native/professional figures and a sentence.
    assert_eq!(r.natives.members, 1);
    assert_eq!(r.professionals.members, 2);
    assert!(!r.verdict.is_empty());
    // What customers said: q1 is a question mentioning the brand, during the campaign.
    let during = r
        .voice
        .iter()
        .find(|v| v.period == "during")
        .expect("during");
    assert_eq!(during.mentions, 1);
    assert_eq!(during.questions, 1);
    // A window of zero days is refused.
    let e = ws
        .campaign_report(
            "summer",
            &ReportOptions {
                window_days: 0,
                ..ReportOptions::default()
            },
        )
        .expect_err("window");
    assert!(matches!(
        e,
        socialset_engine::Error::Refused {
            parameter: "window_days",
            ..
        }
    ));
}

#[test]
fn promo_codes_are_made_from_handles_never_bare_numbers_and_never_repeat() {
    let (_d, db) = store();
    let mut ws = Workspace::open(&db).expect("open");
    ws.create_campaign(&spec("codes")).expect("create");
    let auto = |account: &str| NewMember {
        promo_code: None,
        ..member(account, Role::Native, 10.0, "")
    };
    // 95 accounts whose ids share a 10-character stem: 90 codes from it, then random ones.
    let mut new: Vec<NewMember> = (0..95)
        .map(|i| auto(&format!("zz:verylonghandle{i}")))
        .collect();
    new.push(auto("@ann"));
    new.push(auto("higgs:8812"));
    let members = ws.add_members("codes", &new).expect("members");
    let codes: std::collections::HashSet<&str> =
        members.iter().map(|m| m.promo_code.as_str()).collect();
    assert_eq!(codes.len(), members.len(), "every code is unique");
    let of = |id: &str| {
        members
            .iter()
            .find(|m| m.account.as_str() == id)
            .map(|m| m.promo_code.clone())
            .expect(id)
    };
    assert_eq!(of("tw:ann"), "ANN10");
    assert_eq!(
        of("higgs:8812"),
        "HIGGS881210",
        "a bare number takes its platform"
    );
    assert!(codes
        .iter()
        .all(|c| c.chars().any(|ch| ch.is_ascii_alphabetic())));
}
