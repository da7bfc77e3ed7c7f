//! Importing the same file twice equals importing it once (a property over random files).

use proptest::prelude::*;
use socialset_engine::ImportOptions;

use crate::{dump, import, write};

fn record() -> impl Strategy<Value = String> {
    let account = 0u8..12;
    let time = prop_oneof![Just(None), (1_300_000_000i64..1_300_000_100).prop_map(Some)];
    let at = |t: Option<i64>| t.map_or(String::new(), |t| format!(",\"at\":{t}"));
    prop_oneof![
        (account.clone(), proptest::option::of(0u64..5000)).prop_map(|(a, f)| match f {
            Some(f) => format!("{{\"type\":\"account\",\"id\":\"x:{a}\",\"followers\":{f}}}"),
            None => format!("{{\"type\":\"account\",\"id\":\"x:{a}\"}}"),
        }),
        (account.clone(), account.clone(), time.clone()).prop_map(move |(s, d, t)| {
            format!("{{\"type\":\"follow\",\"src\":\"x:{s}\",\"dst\":\"x:{d}\"{}}}", at(t))
        }),
        (account.clone(), account.clone(), 0usize..5, time.clone()).prop_map(move |(s, d, k, t)| {
            let kind = ["reply", "mention", "share", "quote", "like"][k];
            format!("{{\"type\":\"interaction\",\"src\":\"x:{s}\",\"dst\":\"x:{d}\",\"kind\":\"{kind}\"{}}}", at(t))
        }),
        (account.clone(), account, -10i32..=10, time).prop_map(move |(s, d, v, t)| {
            format!("{{\"type\":\"rating\",\"src\":\"x:{s}\",\"dst\":\"x:{d}\",\"value\":{v}{}}}", at(t))
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn importing_twice_equals_importing_once(records in proptest::collection::vec(record(), 1..60)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = write(dir.path(), "r.jsonl", records.join("\n").as_bytes());
        let once = dir.path().join("once.db");
        let twice = dir.path().join("twice.db");
        import(&once, std::slice::from_ref(&file), &ImportOptions::default()).expect("once");
        import(&twice, std::slice::from_ref(&file), &ImportOptions::default()).expect("first");
        let report = import(&twice, &[file], &ImportOptions::default()).expect("second");
        prop_assert_eq!(report.before, report.after);
        prop_assert_eq!(dump(&once), dump(&twice));
    }
}
