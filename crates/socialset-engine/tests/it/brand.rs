//! Independence and disclosure through the engine, on real-looking Italian and English posts:
//! labels at the start comply, buried and ambiguous ones do not, affiliate links and codes
//! count as sponsorship, brand accounts come from is_brand and a brands file.

use socialset_engine::{Disclosure, ImportOptions, Workspace};

use crate::{import, write};

const POSTS: &str = r##"{"type":"account","id":"ig:giulia","handle":"giulia.cucina","followers":3200}
{"type":"account","id":"ig:pastabrand","handle":"pastabrand","is_brand":true}
{"type":"account","id":"ig:olio","handle":"olio_buono"}
{"type":"post","id":"ig:1","author":"ig:giulia","text":"#adv Carbonara della domenica con la pasta di @pastabrand 🍝","mentions":["ig:pastabrand"]}
{"type":"post","id":"ig:2","author":"ig:giulia","text":"Che profumo questo olio, lo uso su tutto! Provatelo anche voi #cucina #ricette #foodporn #adv #olio","mentions":["ig:olio"]}
{"type":"post","id":"ig:3","author":"ig:giulia","text":"Il mio coltello preferito lo trovate qui","urls":["https://www.amazon.it/dp/B000TEST?tag=giulia-21"]}
{"type":"post","id":"ig:4","author":"ig:giulia","text":"Sconto del 15% con il codice GIULIA15 fino a domenica!"}
{"type":"post","id":"ig:5","author":"ig:giulia","text":"Oggi niente ricette, solo una passeggiata al lago."}
{"type":"post","id":"ig:6","author":"ig:giulia","text":"Pranzo veloce con @pastabrand, sempre buona","mentions":["ig:pastabrand"]}
{"type":"post","id":"ig:7","author":"ig:giulia","text":"Grazie a tutti per gli auguri! #collab"}
{"type":"conversion","campaign":"estate-2026","member":"ig:giulia","kind":"sale","value_eur":24.5,"at":"2026-07-01T10:00:00Z","code":"GIULIA15"}
{"type":"conversion","campaign":"estate-2026","member":"ig:giulia","kind":"sale","at":"2026-07-02T10:00:00Z","code":"GIULIA15"}
"##;

fn store() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("s.db");
    let file = write(dir.path(), "posts.jsonl", POSTS.as_bytes());
    import(&db, &[file], &ImportOptions::default()).expect("import");
    let ws = Workspace::open(&db).expect("open");
    (dir, ws)
}

#[test]
fn each_post_gets_its_disclosure_verdict() {
    let (_dir, ws) = store();
    let r = ws.disclosure(None, None).expect("disclosure");
    assert_eq!(r.posts_checked, 7);
    let verdict = |id: &str| r.posts.iter().find(|p| p.post == id).map(|p| p.verdict);
    assert_eq!(verdict("ig:1"), Some(Disclosure::Compliant));
    assert_eq!(verdict("ig:2"), Some(Disclosure::Buried));
    assert_eq!(verdict("ig:3"), Some(Disclosure::Undisclosed));
    assert_eq!(verdict("ig:4"), Some(Disclosure::Undisclosed));
    assert_eq!(verdict("ig:7"), Some(Disclosure::Unclear));
    assert_eq!(verdict("ig:5"), None, "not sponsored: not listed");
    let p3 = r.posts.iter().find(|p| p.post == "ig:3").expect("ig:3");
    assert_eq!(p3.affiliate_links[0].1, "Amazon Associates tag=");
    let p4 = r.posts.iter().find(|p| p.post == "ig:4").expect("ig:4");
    assert_eq!(p4.discount_codes, ["GIULIA15"]);
    let g = &r.accounts[0].counts;
    assert_eq!(
        (
            g.posts,
            g.sponsored,
            g.compliant,
            g.buried,
            g.unclear,
            g.undisclosed
        ),
        (7, 5, 1, 1, 1, 2)
    );
    // The campaign's members come from its conversions.
    assert_eq!(r.campaigns.len(), 1);
    let c = &r.campaigns[0];
    assert_eq!((c.campaign.as_str(), c.members), ("estate-2026", 1));
    assert_eq!(c.counts, *g, "giulia is the campaign's only member");
}

#[test]
fn independence_counts_sponsored_posts_and_brand_mentions() {
    let (dir, ws) = store();
    let r = ws
        .independence("@giulia.cucina", None)
        .expect("independence");
    let i = r.independence.as_ref().expect("has posts");
    // 5 of 7 sponsored; post 6 mentions the brand without a sign: 1 − 5/7 − ½·1/7 = 1/7 − …
    assert_eq!(
        (i.posts, i.sponsored_posts, i.brand_mention_posts),
        (7, 5, 1)
    );
    assert!(
        (i.score - (1.0 - 5.0 / 7.0 - 0.5 / 7.0)).abs() < 1e-12,
        "{i:?}"
    );
    assert!(
        r.reasons
            .iter()
            .any(|x| x.contains("5 of 7 posts sponsored")),
        "{:?}",
        r.reasons
    );
    assert_eq!(r.brands_mentioned, [("ig:pastabrand".to_owned(), 2)]);
    // A brands file adds olio_buono: post 2 is sponsored anyway, so the score is unchanged but
    // the mention is counted.
    let brands = write(dir.path(), "brands.txt", b"# our clients\nolio_buono\n");
    let r = ws
        .independence("ig:giulia", Some(&brands))
        .expect("independence");
    assert_eq!(r.brands_mentioned.len(), 2);
    // The brand itself has independence 0.
    let b = ws.independence("ig:pastabrand", None).expect("brand");
    assert_eq!(b.independence.map(|i| i.score), Some(0.0));
    // Brands can also live in the workspace's config file beside the store.
    write(dir.path(), "socialset.toml", b"brands = [\"olio_buono\"]\n");
    let r = ws.independence("ig:giulia", None).expect("independence");
    assert_eq!(r.brands_mentioned.len(), 2);
    write(
        dir.path(),
        "socialset.toml",
        b"brands = [\"nobody_here\"]\n",
    );
    let e = ws
        .independence("ig:giulia", None)
        .expect_err("unknown brand")
        .to_string();
    assert!(
        e.contains("socialset.toml: brand 1") && e.contains("no account matches"),
        "{e}"
    );
    write(dir.path(), "socialset.toml", b"brand = 3\n");
    let e = ws
        .independence("ig:giulia", None)
        .expect_err("bad config")
        .to_string();
    assert!(
        e.contains("socialset.toml") && e.contains("unknown field"),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("socialset.toml")).expect("rm");
    let bad = write(dir.path(), "bad.txt", b"nobody_here\n");
    let e = ws
        .independence("ig:giulia", Some(&bad))
        .expect_err("unknown brand")
        .to_string();
    assert!(
        e.contains("bad.txt:1") && e.contains("no account matches"),
        "{e}"
    );
}
