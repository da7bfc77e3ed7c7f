//! Fact-checks and repeat spreaders: the claims a claims file names (`claim` and `verdict`
//! records) joined to the claims found in posts, each account's record over the judged
//! claims it spread, and that record measured on FakeNewsNet (`eval_spreaders`).

use std::collections::HashMap;

use socialset_analysis::spread::{link_key, spread, Children};
use socialset_analysis::spreaders::{tallies, Tally};
use socialset_analysis::{near_duplicate_groups, splitmix, NearDuplicateConfig};
use socialset_model::{ClaimRecord, ClaimWhat, FactVerdict, PostKind, Timestamp, VerdictRecord};

use crate::claims::{claims_of, spread_posts, ClaimKind};
use crate::social::{SocialData, TimeWindow};
use crate::{Result, Workspace};

/// A named claim's fact-checks.
#[derive(Clone, Debug, PartialEq)]
pub struct FactCheck {
    /// The claims file's id for it.
    pub id: String,
    pub title: Option<String>,
    /// What the checks say together: theirs when they agree; `mixed` when one says true and
    /// another false; `unverified` only when no check says more. `None`: named, not judged.
    pub verdict: Option<FactVerdict>,
    /// Each source's latest verdict.
    pub verdicts: Vec<VerdictRecord>,
}

/// The verdict several checks give together.
pub fn joint_verdict(verdicts: &[VerdictRecord]) -> Option<FactVerdict> {
    let said: Vec<FactVerdict> = verdicts
        .iter()
        .map(|v| v.verdict)
        .filter(|&v| v != FactVerdict::Unverified)
        .collect();
    match said.first() {
        None => verdicts.first().map(|_| FactVerdict::Unverified),
        Some(&v) if said.iter().all(|&w| w == v) => Some(v),
        Some(_) => Some(FactVerdict::Mixed),
    }
}

/// The named claims joined to the claims found in the posts.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    /// By the found claim's id (`link:…`, `tag:…`, `text:…`).
    pub by_claim: HashMap<String, FactCheck>,
    /// Named claims, and those no post carries (or whose post the store lacks).
    pub named: usize,
    pub unmatched: usize,
    /// Verdicts naming a claim no record names.
    pub orphan_verdicts: usize,
}

/// Posts by id (full and local), and the story each original post carries.
type PostIndex<'a> = (HashMap<&'a str, u32>, HashMap<u32, String>);

/// Every found claim of `kind`: (id, label, domain, carrier posts).
type Found = Vec<(String, String, Option<String>, Vec<u32>)>;

/// Joins the named claims (`claim_records`) to `found` (the claims of each kind in `data`,
/// as `claims_of` gives them; the stories are computed and added when a named claim needs
/// them).
pub(crate) fn fact_checks(
    data: &SocialData,
    (named, verdicts): (Vec<ClaimRecord>, Vec<VerdictRecord>),
    found: &mut HashMap<ClaimKind, Found>,
) -> Checks {
    let mut out = Checks {
        named: named.len(),
        ..Checks::default()
    };
    let mut by_named: HashMap<String, Vec<VerdictRecord>> = HashMap::new();
    for v in verdicts {
        by_named.entry(v.claim.clone()).or_default().push(v);
    }
    let mut texts: Vec<(usize, &str)> = Vec::new();
    let mut by_post: Option<PostIndex> = None;
    let mut matched: Vec<Option<String>> = vec![None; named.len()];
    for (i, n) in named.iter().enumerate() {
        matched[i] = match &n.what {
            ClaimWhat::Link(l) => link_key(l).map(|(k, _)| format!("link:{k}")),
            ClaimWhat::Hashtag(h) => Some(format!("tag:{}", h.to_lowercase())),
            ClaimWhat::Post(p) => {
                // Built once, at the first claim named by a post: posts by id, and the story
                // each original post carries.
                let (ids, story) = by_post.get_or_insert_with(|| {
                    let text = found
                        .entry(ClaimKind::Text)
                        .or_insert_with(|| claims_of(data, ClaimKind::Text));
                    let mut ids: HashMap<&str, u32> = HashMap::with_capacity(data.threads.len());
                    for (k, t) in data.threads.iter().enumerate() {
                        ids.entry(t.id.local()).or_insert(k as u32);
                    }
                    // Full ids win over a local id another platform shares.
                    for (k, t) in data.threads.iter().enumerate() {
                        ids.insert(t.id.as_str(), k as u32);
                    }
                    let story: HashMap<u32, String> = text
                        .iter()
                        .flat_map(|c| c.3.iter().map(|&q| (q, c.0.clone())))
                        .collect();
                    (ids, story)
                });
                ids.get(p.as_str())
                    .map(|&k| original_of(data, k))
                    .and_then(|k| story.get(&k).cloned())
            }
            ClaimWhat::Text(t) => {
                texts.push((i, t.as_str()));
                None
            }
        };
    }
    if !texts.is_empty() {
        let text = found
            .entry(ClaimKind::Text)
            .or_insert_with(|| claims_of(data, ClaimKind::Text));
        // The named words grouped with the stories' posts: a named text in a group with a
        // carrier names that carrier's claim.
        let carriers: Vec<(u32, &str)> = text
            .iter()
            .flat_map(|c| c.3.iter().map(|&p| (p, c.0.as_str())))
            .collect();
        let mut words: Vec<&str> = carriers
            .iter()
            .map(|&(p, _)| data.posts[p as usize].text.as_deref().unwrap_or(""))
            .collect();
        words.extend(texts.iter().map(|&(_, t)| t));
        let groups = near_duplicate_groups(&words, &NearDuplicateConfig::default());
        let mut claim_of_group: HashMap<usize, &str> = HashMap::new();
        for (k, &(_, id)) in carriers.iter().enumerate() {
            claim_of_group.entry(groups[k]).or_insert(id);
        }
        for (j, &(i, _)) in texts.iter().enumerate() {
            matched[i] = claim_of_group
                .get(&groups[carriers.len() + j])
                .map(|id| (*id).to_owned());
        }
    }
    for (n, m) in named.into_iter().zip(matched) {
        let verdicts = by_named.remove(&n.id).unwrap_or_default();
        let check = FactCheck {
            verdict: joint_verdict(&verdicts),
            id: n.id,
            title: n.title,
            verdicts,
        };
        match m {
            // Two named claims for one found claim: their checks are pooled.
            Some(id) => match out.by_claim.get_mut(&id) {
                Some(c) => {
                    c.verdicts.extend(check.verdicts);
                    c.verdict = joint_verdict(&c.verdicts);
                }
                None => {
                    out.by_claim.insert(id, check);
                }
            },
            None => out.unmatched += 1,
        }
    }
    // What is left names no claim record.
    out.orphan_verdicts = by_named.values().map(Vec::len).sum();
    out
}

/// The judged claims among `found`, kinds in a fixed order: id, verdict, carrier posts.
fn judged<'a>(
    found: &'a HashMap<ClaimKind, Found>,
    checks: &'a Checks,
) -> impl Iterator<Item = (&'a String, FactVerdict, &'a [u32])> + 'a {
    ClaimKind::ALL
        .iter()
        .filter_map(|k| found.get(k))
        .flatten()
        .filter_map(|(id, _, _, carriers)| {
            let v = checks.by_claim.get(id).and_then(|c| c.verdict)?;
            Some((id, v, carriers.as_slice()))
        })
}

/// The post a share stands for (the post it shares, followed up a chain of shares).
fn original_of(data: &SocialData, mut i: u32) -> u32 {
    for _ in 0..data.threads.len() {
        match data.threads[i as usize].shared {
            Some(p) if data.activity[i as usize].kind == PostKind::Share => i = p,
            _ => break,
        }
    }
    i
}

/// A judged claim found in the posts: its id, verdict, spreaders and each one's first post of it.
type JudgedClaim = (String, FactVerdict, Vec<u32>, Vec<Option<Timestamp>>);

/// What `repeat_spreaders` lists.
#[derive(Clone, Debug)]
pub struct SpreaderOptions {
    /// Accounts that spread fewer claims judged false are left out (default 2: a repeat).
    pub min_false: u32,
    /// The most accounts listed (0: all).
    pub top: usize,
    pub window: TimeWindow,
}

impl Default for SpreaderOptions {
    fn default() -> Self {
        Self {
            min_false: 2,
            top: 20,
            window: TimeWindow::default(),
        }
    }
}

/// An account that spread judged claims, with its record.
#[derive(Clone, Debug, PartialEq)]
pub struct RepeatSpreader {
    pub account: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    pub record: Tally,
    /// Its share of false claims among its judged ones, drawn towards the store's base rate
    /// by one claim's weight.
    pub false_share: f64,
    /// The false claims it spread (found ids), the first in time first.
    pub false_claims: Vec<String>,
    /// Its first post spreading a false claim.
    pub first_false: Option<Timestamp>,
}

/// Repeat spreaders of claims judged false.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadersReport {
    /// Named claims, those found in the posts with a verdict, and those no post carries.
    pub named: usize,
    pub judged_found: usize,
    pub unmatched: usize,
    /// Verdicts naming a claim no `claim` record names.
    pub orphan_verdicts: usize,
    /// Judged claims found, by verdict (`FactVerdict::ALL` order).
    pub by_verdict: [usize; 4],
    /// Share of false among the found claims judged true or false.
    pub base_rate: f64,
    /// Accounts with a record, and those that spread at least `min_false` false claims.
    pub with_record: usize,
    pub repeat: usize,
    pub spreaders: Vec<RepeatSpreader>,
}

/// The accounts that spread a claim: those whose posts carry it, quote or share it (a reply
/// may deny it, so it is not spreading), each once.
pub(crate) fn spreaders_of(
    data: &SocialData,
    reached: &[(u32, u32)],
    carriers: &[u32],
) -> Vec<u32> {
    let mut out: Vec<u32> = reached
        .iter()
        .map(|&(p, _)| p)
        .filter(|&p| {
            carriers.contains(&p)
                || matches!(
                    data.activity[p as usize].kind,
                    PostKind::Share | PostKind::Quote
                )
        })
        .map(|p| data.posts[p as usize].author.0)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The share of false among claims judged true or false (one half when none is).
fn base_rate(by_verdict: &[usize; 4]) -> f64 {
    let t = by_verdict[FactVerdict::True as usize] as f64;
    let f = by_verdict[FactVerdict::False as usize] as f64;
    if t + f > 0.0 {
        f / (t + f)
    } else {
        0.5
    }
}

/// What the records of a claim's spreaders say of it: their other judged claims.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadersRecord {
    /// Accounts that carried, quoted or shared it, and those of them that spread other
    /// judged claims.
    pub spreaders: usize,
    pub with_record: usize,
    /// The mean false share of those with a record (the base rate when none has one): on
    /// FakeNewsNet this score tells fake items from real ones with an AUC of 0.90 and 0.95.
    pub score: f64,
    /// The store's share of false among the other judged claims.
    pub base_rate: f64,
    /// Judged claims the records come from.
    pub judged: usize,
}

impl Workspace {
    /// The link and hashtag claims of `data` (and the stories, when a named claim needs
    /// them) joined to the store's named claims; nothing is computed when none is named.
    fn found_and_checked(&self, data: &SocialData) -> Result<(HashMap<ClaimKind, Found>, Checks)> {
        let records = self.store.claim_records()?;
        let mut found: HashMap<ClaimKind, Found> = HashMap::new();
        if records.0.is_empty() {
            let checks = Checks {
                orphan_verdicts: records.1.len(),
                ..Checks::default()
            };
            return Ok((found, checks));
        }
        for kind in [ClaimKind::Link, ClaimKind::Hashtag] {
            found.insert(kind, claims_of(data, kind));
        }
        self.step("joining the fact-checks", 0)?;
        let checks = fact_checks(data, records, &mut found);
        Ok((found, checks))
    }

    /// Every judged claim found in the posts, sorted by id: its id, verdict, spreaders and
    /// each one's first post of it; with the joined checks and the claims per verdict.
    fn judged_claims(
        &self,
        data: &SocialData,
        posts: &[socialset_analysis::spread::SpreadPost],
        children: &Children,
    ) -> Result<(Vec<JudgedClaim>, Checks, [usize; 4])> {
        let (found, checks) = self.found_and_checked(data)?;
        if checks.named == 0 {
            return Ok((Vec::new(), checks, [0; 4]));
        }
        self.step("following the judged claims", checks.by_claim.len() as u64)?;
        let mut out: Vec<JudgedClaim> = Vec::new();
        let mut by_verdict = [0usize; 4];
        for (id, v, carriers) in judged(&found, &checks) {
            self.check_cancel()?;
            let s = spread(posts, children, carriers);
            let who = spreaders_of(data, &s.reached, carriers);
            // Each spreader's first post of it in time.
            let mut first: HashMap<u32, Timestamp> = HashMap::new();
            for &(p, _) in &s.reached {
                if let Some(t) = posts[p as usize].at {
                    let e = first.entry(posts[p as usize].author).or_insert(t);
                    *e = (*e).min(t);
                }
            }
            let at = who.iter().map(|a| first.get(a).copied()).collect();
            by_verdict[v as usize] += 1;
            out.push((id.clone(), v, who, at));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((out, checks, by_verdict))
    }

    /// Claim `id`'s fact-check, and the records of its spreaders `who` over the other judged
    /// claims (both `None` when the store names no claim).
    pub(crate) fn claim_check(
        &self,
        data: &SocialData,
        posts: &[socialset_analysis::spread::SpreadPost],
        children: &Children,
        id: &str,
        who: &[u32],
    ) -> Result<(Option<FactCheck>, Option<SpreadersRecord>)> {
        let (judged, mut checks, mut by_verdict) = self.judged_claims(data, posts, children)?;
        if checks.named == 0 {
            return Ok((None, None));
        }
        let others: Vec<(FactVerdict, &[u32])> = judged
            .iter()
            .filter(|j| {
                if j.0 == id {
                    by_verdict[j.1 as usize] -= 1;
                }
                j.0 != id
            })
            .map(|(_, v, w, _)| (*v, w.as_slice()))
            .collect();
        let base = base_rate(&by_verdict);
        let record = tallies(data.accounts.len(), &others);
        let (score, with_record) =
            socialset_analysis::spreaders::spreader_score(&record, who, base, None);
        let record = SpreadersRecord {
            spreaders: who.len(),
            with_record,
            score,
            base_rate: base,
            judged: others.len(),
        };
        Ok((checks.by_claim.remove(id), Some(record)))
    }

    /// The accounts that repeatedly spread claims fact-checkers judged false, with their
    /// record over every judged claim they spread.
    pub fn repeat_spreaders(&self, options: &SpreaderOptions) -> Result<SpreadersReport> {
        self.step("loading the store", 0)?;
        let data = self.load_social(&options.window)?;
        let posts = spread_posts(&data);
        let children = Children::new(&posts);
        let (judged, checks, by_verdict) = self.judged_claims(&data, &posts, &children)?;
        let pairs: Vec<(FactVerdict, &[u32])> = judged
            .iter()
            .map(|(_, v, w, _)| (*v, w.as_slice()))
            .collect();
        let record = tallies(data.accounts.len(), &pairs);
        let base = base_rate(&by_verdict);
        // Each account's false claims, the first in time first.
        let mut false_claims: HashMap<u32, Vec<(Option<Timestamp>, &str)>> = HashMap::new();
        for (id, v, who, at) in &judged {
            if *v == FactVerdict::False {
                for (a, t) in who.iter().zip(at) {
                    false_claims.entry(*a).or_default().push((*t, id.as_str()));
                }
            }
        }
        let with_record = record.iter().filter(|r| *r != &Tally::default()).count();
        let mut out: Vec<RepeatSpreader> = record
            .iter()
            .enumerate()
            .filter(|(_, r)| r.of(FactVerdict::False) >= options.min_false.max(1))
            .map(|(a, r)| {
                let mut claims = false_claims.remove(&(a as u32)).unwrap_or_default();
                claims.sort_by_key(|&(t, id)| (t.is_none(), t, id));
                let acc = &data.accounts[a];
                RepeatSpreader {
                    account: acc.id.as_str().to_owned(),
                    handle: acc.handle.clone(),
                    followers: acc.followers,
                    record: *r,
                    false_share: r.false_share(base),
                    first_false: claims.first().and_then(|c| c.0),
                    false_claims: claims.into_iter().map(|(_, id)| id.to_owned()).collect(),
                }
            })
            .collect();
        let repeat = out.len();
        out.sort_by(|a, b| {
            b.record
                .of(FactVerdict::False)
                .cmp(&a.record.of(FactVerdict::False))
                .then(b.false_share.total_cmp(&a.false_share))
                .then(a.account.cmp(&b.account))
        });
        if options.top > 0 {
            out.truncate(options.top);
        }
        Ok(SpreadersReport {
            named: checks.named,
            judged_found: judged.len(),
            unmatched: checks.unmatched,
            orphan_verdicts: checks.orphan_verdicts,
            by_verdict,
            base_rate: base,
            with_record,
            repeat,
            spreaders: out,
        })
    }
}

/// One method's figures in `eval_spreaders`.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreaderMethod {
    pub name: &'static str,
    /// Area under the ROC curve of its score for "fake", pooled over the folds.
    pub auc: f64,
    /// Share of items called right (the rule is in `SPREADER_METHODS`).
    pub accuracy: f64,
}

/// The methods `eval_spreaders` compares, with how each calls an item fake.
pub const SPREADER_METHODS: [(&str, &str); 4] = [
    (
        "spreaders counted",
        "more spreaders than the training items' median",
    ),
    (
        "the item's words, logistic regression",
        "chance of fake over one half",
    ),
    (
        "socialset: its spreaders' records",
        "score over the training items' share of fakes",
    ),
    (
        "socialset: words and spreaders' records",
        "chance of fake over one half",
    ),
];

/// Repeat spreaders measured on a labelled data set.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadersEval {
    pub data: String,
    pub items: usize,
    pub fake: usize,
    /// Distinct accounts that spread an item.
    pub accounts: usize,
    pub links: usize,
    /// Groups of near-identical items (kept in one fold), folds, and the test items whose
    /// spreaders had a record from the training items.
    pub groups: usize,
    pub folds: usize,
    pub with_record: usize,
    /// Items whose page could not be read (no words), and those without a publication date
    /// (ordered after the dated ones, by their place in the list).
    pub unreadable: usize,
    pub undated: usize,
    pub methods: Vec<SpreaderMethod>,
}

/// One FakeNewsNet item.
struct Item {
    name: String,
    fake: bool,
    words: String,
    at: Option<i64>,
    /// The article's address and its site (`source`), when its page was read.
    url: Option<String>,
    site: Option<String>,
    spreaders: Vec<u32>,
}

/// Reads a FakeNewsNet 2017 platform folder (`News.txt`, `<Platform>NewsUser.txt`,
/// `NewsContent.tar.gz`).
fn read_fakenewsnet(dir: &std::path::Path) -> Result<(Vec<Item>, usize, usize, usize)> {
    use crate::Error;
    use std::io::Read;
    let bad = |what: String| Error::Usage(what);
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| bad(format!("{}: {e}", dir.join(name).display())))
    };
    let news = read("News.txt")?;
    let names: Vec<&str> = news
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let platform = names
        .first()
        .and_then(|n| n.split('_').next())
        .ok_or_else(|| bad(format!("{}: no news in News.txt", dir.display())))?;
    let links_name = format!("{platform}NewsUser.txt");
    let links = read(&links_name)?;
    let mut items: Vec<Item> = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        let fake = if n.contains("_Fake_") {
            true
        } else if n.contains("_Real_") {
            false
        } else {
            return Err(bad(format!(
                "{}:{}: {n:?} says neither _Fake_ nor _Real_",
                dir.join("News.txt").display(),
                i + 1
            )));
        };
        items.push(Item {
            name: (*n).to_owned(),
            fake,
            words: String::new(),
            at: None,
            url: None,
            site: None,
            spreaders: Vec::new(),
        });
    }
    let mut accounts = 0usize;
    let mut count = 0usize;
    for (no, line) in links.lines().enumerate() {
        let mut cols = line.split('\t');
        let parse = |c: Option<&str>, field: &str| -> Result<usize> {
            c.and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|&v| v >= 1)
                .ok_or_else(|| {
                    bad(format!(
                        "{}:{}: field {field}: is not an index from 1 ({line:?})",
                        dir.join(&links_name).display(),
                        no + 1
                    ))
                })
        };
        let (n, u) = (parse(cols.next(), "news")?, parse(cols.next(), "user")?);
        let item = items.get_mut(n - 1).ok_or_else(|| {
            bad(format!(
                "{}:{}: field news: {n} is past the {} news of News.txt",
                dir.join(&links_name).display(),
                no + 1,
                names.len()
            ))
        })?;
        item.spreaders.push(u as u32 - 1);
        accounts = accounts.max(u);
        count += 1;
    }
    for it in &mut items {
        it.spreaders.sort_unstable();
        it.spreaders.dedup();
    }
    // Titles and texts, for the words and the near-identical groups.
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let path = dir.join("NewsContent.tar.gz");
    let file = std::fs::File::open(&path).map_err(|e| bad(format!("{}: {e}", path.display())))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut unreadable = 0usize;
    let entries = archive
        .entries()
        .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| bad(format!("{}: {e}", path.display())))?;
        let name = entry
            .path()
            .ok()
            .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let Some(&i) = name
            .strip_suffix("-Webpage.json")
            .and_then(|n| index.get(n))
        else {
            continue;
        };
        let mut body = Vec::new();
        entry
            .take(16 << 20)
            .read_to_end(&mut body)
            .map_err(|e| bad(format!("{}: {name}: {e}", path.display())))?;
        // A page the crawl left empty or cut gives no words: the item keeps its spreaders.
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
            unreadable += 1;
            continue;
        };
        let title = v["title"].as_str().unwrap_or("");
        let text: String = v["text"]
            .as_str()
            .unwrap_or("")
            .chars()
            .take(2000)
            .collect();
        items[i].words = format!("{title}\n{text}");
        items[i].at = v["publish_date"]["$date"].as_i64();
        let nonempty = |k: &str| {
            v[k].as_str()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        items[i].url = nonempty("url");
        items[i].site = nonempty("source");
    }
    Ok((items, accounts, count, unreadable))
}

/// Whole words of an item, as the credibility model reads them, each once.
fn word_features(text: &str) -> Vec<String> {
    let mut out = crate::veracity::word_features(text);
    out.sort();
    out.dedup();
    out
}

/// How well the records of its spreaders tell a fake item from a real one, in a
/// cross-validation by item: each fold's records come from its training items only, items
/// told in near-identical words stay in one fold, folds are blocks of publication time.
/// Against counting spreaders and a model of the item's words, in the same run.
pub fn eval_spreaders(dir: &std::path::Path, folds: usize) -> Result<SpreadersEval> {
    use socialset_analysis::credibility::{bin, CredibilityConfig, CredibilityModel};
    use socialset_analysis::spreaders::spreader_score;
    if !(2..=20).contains(&folds) {
        return Err(crate::Error::Usage(format!(
            "--cross-validate {folds}: give 2 to 20 folds"
        )));
    }
    let (items, accounts, links, unreadable) = read_fakenewsnet(dir)?;
    let spreading = {
        let mut all: Vec<u32> = items
            .iter()
            .flat_map(|i| i.spreaders.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all.len()
    };
    let words: Vec<&str> = items.iter().map(|i| i.words.as_str()).collect();
    let groups = near_duplicate_groups(&words, &NearDuplicateConfig::default());
    // Undated items (a quarter of FakeNewsNet's) are given times drawn evenly over the dated
    // span, so they spread over the folds: the list's order, which they would otherwise
    // keep, is real items first and fake ones after.
    let dated: Vec<i64> = items.iter().filter_map(|i| i.at).collect();
    let (lo, hi) = (
        dated.iter().copied().min().unwrap_or(0).max(0) as u64,
        dated.iter().copied().max().unwrap_or(0).max(0) as u64,
    );
    let order: Vec<u64> = items
        .iter()
        .enumerate()
        .map(|(i, it)| match it.at {
            Some(t) => t.max(0) as u64,
            None => lo + splitmix(i as u64 ^ 0x5eed) % (hi - lo + 1),
        })
        .collect();
    let fold = socialset_analysis::grouped_blocked_folds(&groups, &order, folds);
    let labels = vec!["real".to_owned(), "fake".to_owned()];
    let config = CredibilityConfig::default();
    let word_rows: Vec<Vec<String>> = items.iter().map(|i| word_features(&i.words)).collect();
    let n = items.len();
    let mut scores = vec![vec![0.0; n]; SPREADER_METHODS.len()];
    let mut called = vec![vec![false; n]; SPREADER_METHODS.len()];
    let mut with_record = 0usize;
    for f in 0..folds {
        let train: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
        let test: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
        if train.is_empty() || test.is_empty() {
            continue;
        }
        let verdict = |i: usize| {
            if items[i].fake {
                FactVerdict::False
            } else {
                FactVerdict::True
            }
        };
        let pairs: Vec<(FactVerdict, &[u32])> = train
            .iter()
            .map(|&i| (verdict(i), items[i].spreaders.as_slice()))
            .collect();
        let record = tallies(accounts, &pairs);
        let base = train.iter().filter(|&&i| items[i].fake).count() as f64 / train.len() as f64;
        let mut counts: Vec<usize> = train.iter().map(|&i| items[i].spreaders.len()).collect();
        counts.sort_unstable();
        let median = counts[counts.len() / 2];
        // The record's features of an item: how false its spreaders' records look, and how
        // many of them have one. A training item's own verdict is left out of its spreaders'
        // records (else the model learns from its own label).
        let record_features = |i: usize, leave_out: bool| -> (f64, Vec<String>) {
            let own = leave_out.then(|| verdict(i));
            let (score, n_with) = spreader_score(&record, &items[i].spreaders, base, own);
            let share = n_with as f64 / items[i].spreaders.len().max(1) as f64;
            (
                score,
                vec![
                    bin("record:false-share", score, &[0.2, 0.35, 0.5, 0.65, 0.8]),
                    bin("record:with-record", share, &[0.01, 0.1, 0.3, 0.6]),
                ],
            )
        };
        let y: Vec<usize> = train.iter().map(|&i| usize::from(items[i].fake)).collect();
        let words_model = CredibilityModel::train(
            &train
                .iter()
                .map(|&i| word_rows[i].clone())
                .collect::<Vec<_>>(),
            &y,
            &labels,
            &config,
        );
        let both_rows: Vec<Vec<String>> = train
            .iter()
            .map(|&i| {
                let mut r = word_rows[i].clone();
                r.extend(record_features(i, true).1);
                r
            })
            .collect();
        let both_model = CredibilityModel::train(&both_rows, &y, &labels, &config);
        for &i in &test {
            let count = items[i].spreaders.len();
            scores[0][i] = count as f64;
            called[0][i] = count > median;
            let w = words_model.predict(&word_rows[i], 0).chances[1];
            scores[1][i] = w;
            called[1][i] = w > 0.5;
            let (score, feats) = record_features(i, false);
            if items[i]
                .spreaders
                .iter()
                .any(|&a| record[a as usize].judged() > 0)
            {
                with_record += 1;
            }
            scores[2][i] = score;
            called[2][i] = score > base;
            let mut row = word_rows[i].clone();
            row.extend(feats);
            let b = both_model.predict(&row, 0).chances[1];
            scores[3][i] = b;
            called[3][i] = b > 0.5;
        }
    }
    let fake: Vec<bool> = items.iter().map(|i| i.fake).collect();
    let methods = SPREADER_METHODS
        .iter()
        .enumerate()
        .map(|(m, (name, _))| SpreaderMethod {
            name,
            auc: socialset_analysis::roc_auc(&scores[m], &fake).unwrap_or(0.5),
            accuracy: called[m].iter().zip(&fake).filter(|(c, f)| c == f).count() as f64
                / n.max(1) as f64,
        })
        .collect();
    let mut distinct = groups.clone();
    distinct.sort_unstable();
    distinct.dedup();
    Ok(SpreadersEval {
        data: dir.display().to_string(),
        items: n,
        fake: fake.iter().filter(|&&f| f).count(),
        accounts: spreading,
        links,
        groups: distinct.len(),
        folds,
        with_record,
        unreadable,
        undated: items.iter().filter(|i| i.at.is_none()).count(),
        methods,
    })
}

/// Whether `dir` is a FakeNewsNet 2017 platform folder.
pub(crate) fn is_fakenewsnet(dir: &std::path::Path) -> bool {
    dir.join("News.txt").is_file() && dir.join("NewsContent.tar.gz").is_file()
}

/// Writes a FakeNewsNet 2017 platform folder as socialset's canonical JSON Lines at `out`:
/// each item a post by its site (`fnn:site/HOST`) with its title and text, link and
/// publication time; each account that spread it a share of that post (FakeNewsNet gives no
/// time of sharing: the shares are untimed); each item a `claim` naming its post, with a
/// `verdict` (fake: false, real: true) by the platform's fact-checkers. Items are written in
/// a seeded shuffle: the list's order is real items first, which would otherwise be the
/// store's order.
pub(crate) fn fakenewsnet_jsonl(dir: &std::path::Path, out: &std::path::Path) -> Result<usize> {
    use std::io::Write;
    let (items, _, _, _) = read_fakenewsnet(dir)?;
    let checker = items
        .first()
        .and_then(|i| i.name.split('_').next())
        .unwrap_or("FakeNewsNet")
        .to_owned();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| splitmix(i as u64 ^ 0xfa4e));
    let io = |e: std::io::Error| crate::Error::Usage(format!("{}: {e}", out.display()));
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
    for &i in &order {
        let it = &items[i];
        let post = format!("fnn:{}", it.name);
        let host = it
            .site
            .as_deref()
            .or(it.url.as_deref())
            .and_then(|u| link_key(u).map(|(_, domain)| domain))
            .unwrap_or_else(|| "unknown".to_owned());
        let mut record = serde_json::json!({
            "type": "post",
            "id": post,
            "author": format!("fnn:site/{host}"),
            "text": it.words,
        });
        if let Some(ms) = it.at {
            record["at"] = serde_json::json!(ms.div_euclid(1000));
        }
        if let Some(u) = &it.url {
            record["urls"] = serde_json::json!([u]);
        }
        writeln!(w, "{record}").map_err(io)?;
        for &a in &it.spreaders {
            let share = serde_json::json!({
                "type": "post",
                "id": format!("{post}/share/{}", a + 1),
                "author": format!("fnn:user/{}", a + 1),
                "share_of": post,
            });
            writeln!(w, "{share}").map_err(io)?;
        }
        let claim = serde_json::json!({"type": "claim", "id": it.name, "post": post});
        let verdict = serde_json::json!({
            "type": "verdict",
            "claim": it.name,
            "verdict": if it.fake { "false" } else { "true" },
            "source": checker,
        });
        writeln!(w, "{claim}\n{verdict}").map_err(io)?;
    }
    w.flush().map_err(io)?;
    Ok(items.len())
}

/// The claims the store's verdicts judge, as (post id, verdict) labels for `eval_veracity`:
/// each judged claim found in the posts by its first carrier post (the earliest in time).
pub(crate) fn verdict_labels(ws: &Workspace, data: &SocialData) -> Result<Vec<(String, String)>> {
    let (found, checks) = ws.found_and_checked(data)?;
    let mut out: Vec<(String, String)> = judged(&found, &checks)
        .filter_map(|(_, v, carriers)| {
            let first = carriers.iter().min_by_key(|&&p| {
                (
                    data.activity[p as usize]
                        .at
                        .map_or(i64::MAX, Timestamp::epoch_ms),
                    p,
                )
            })?;
            Some((
                data.threads[*first as usize].id.as_str().to_owned(),
                v.as_str().to_owned(),
            ))
        })
        .collect();
    out.sort();
    Ok(out)
}
