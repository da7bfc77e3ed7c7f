//! Claims and how they spread: a claim is a link (its normalised URL), a hashtag, or a
//! story told in near-identical words by original posts (MinHash groups); its cascades are
//! the replies, quotes and shares below the posts that carry it (`socialset_analysis::spread`).

use std::collections::HashMap;

use socialset_analysis::spread::{link_key, spread, Children, Spread, SpreadPost};
use socialset_analysis::{near_duplicate_groups, NearDuplicateConfig};
use socialset_model::{FactVerdict, PostKind, Timestamp};

use crate::social::{SocialData, TimeWindow};
use crate::spreaders::{fact_checks, spreaders_of, FactCheck, SpreadersRecord};
use crate::{Error, Result, Workspace};

/// What a claim is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClaimKind {
    Link,
    Hashtag,
    Text,
}

impl ClaimKind {
    pub const ALL: [Self; 3] = [Self::Link, Self::Hashtag, Self::Text];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Hashtag => "hashtag",
            Self::Text => "text",
        }
    }

    /// The prefix of its claims' ids.
    fn prefix(self) -> &'static str {
        match self {
            Self::Link => "link:",
            Self::Hashtag => "tag:",
            Self::Text => "text:",
        }
    }
}

impl std::str::FromStr for ClaimKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("a claim is a link, hashtag or text, not {s:?}"))
    }
}

/// Which claims to list.
#[derive(Clone, Debug)]
pub struct ClaimOptions {
    /// One kind only; `None`: all three.
    pub kind: Option<ClaimKind>,
    /// Claims that reached fewer accounts are left out (default 2: someone answered or
    /// shared it).
    pub min_accounts: usize,
    /// The most claims listed, by accounts reached (0: all).
    pub top: usize,
    pub window: TimeWindow,
    /// Only claims a fact-check judged so (`socialset import` of `claim` and `verdict`
    /// records).
    pub verdict: Option<FactVerdict>,
}

impl Default for ClaimOptions {
    fn default() -> Self {
        Self {
            kind: None,
            min_accounts: 2,
            top: 20,
            window: TimeWindow::default(),
            verdict: None,
        }
    }
}

/// A claim and how it spread.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// `link:HOST/PATH`, `tag:NAME` or `text:POST` (its first post).
    pub id: String,
    pub kind: ClaimKind,
    /// The link, `#tag`, or the first post's text.
    pub label: String,
    /// A link's domain.
    pub domain: Option<String>,
    /// Posts that carry it (the link, the tag, the words).
    pub carriers: usize,
    pub spread: Spread,
    /// Its fact-checks, when a claims file names it.
    pub check: Option<FactCheck>,
}

/// The claims spreading most.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimsReport {
    pub claims: Vec<Claim>,
    /// Claims found, and those that reached `min_accounts`, before `top` cut the list.
    pub found: usize,
    pub spreading: usize,
    /// Posts read, and those that reply to, quote or share a post the store holds.
    pub posts: usize,
    pub linked: usize,
    /// Claims named by claims files, and those of them no post carries.
    pub named: usize,
    pub unmatched: usize,
}

/// An account that carried a claim on.
#[derive(Clone, Debug, PartialEq)]
pub struct Spreader {
    pub account: String,
    pub handle: Option<String>,
    /// Its posts in the claim's cascades, and how many posts came below them.
    pub posts: usize,
    pub below: usize,
    /// The first of its posts there carried the claim itself (it started a cascade or told
    /// it again) rather than answering or sharing.
    pub carrier: bool,
}

/// One claim in full.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimDetail {
    pub claim: Claim,
    /// Posts and new accounts per day (UTC) of the timed posts.
    pub timeline: Vec<(String, usize, usize)>,
    /// Who carried it furthest, by posts below theirs.
    pub spreaders: Vec<Spreader>,
    /// The stance of the replies in its cascades.
    pub replies: ReplyStances,
    /// Who its cascades reached: likely bots, and communities (when asked for).
    pub reach: Option<ClaimReach>,
    /// What its spreaders' records over the other judged claims say (when the store names
    /// claims).
    pub record: Option<SpreadersRecord>,
}

/// Who a claim's cascades reached.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaimReach {
    /// Accounts in the cascades; those the audit could judge, and of them the likely bots.
    pub accounts: usize,
    pub judged: usize,
    pub likely_bots: usize,
    /// Posts in the cascades, and those by likely bots: the share of the spread bots made.
    pub posts: usize,
    pub posts_by_bots: usize,
    /// The communities of `socialset communities` it reached (accounts in one), how many, and
    /// the `top` that hold most of its accounts.
    pub communities_reached: usize,
    pub communities: Vec<CommunityReached>,
    /// False when the store holds no engagement to find communities in.
    pub communities_known: bool,
    /// The first `NETWORK_NODES` posts of its cascades, root first, as the spread network
    /// draws them, and how many posts the cascades hold.
    pub network: Vec<NetworkNode>,
    pub network_of: usize,
}

/// Posts of a claim's spread network drawn at most.
pub const NETWORK_NODES: usize = 500;

/// A post of a claim's cascades, for drawing its spread network.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkNode {
    pub post: String,
    pub account: String,
    pub handle: Option<String>,
    /// The node it replies to, quotes or shares (an index into the network), if drawn.
    pub parent: Option<usize>,
    pub depth: u32,
    /// Its author's bot probability and verdict by the audit's built-in model.
    pub bot_probability: f64,
    pub likely_bot: bool,
    /// The audit had too little data on its author to judge.
    pub too_little_data: bool,
}

/// The first `NETWORK_NODES` posts `s` reached, cascade by cascade, each with its parent.
fn spread_network(
    data: &SocialData,
    posts: &[SpreadPost],
    s: &Spread,
    probability: &[f64],
    verdicts: &[crate::audit::Verdict],
) -> (Vec<NetworkNode>, usize) {
    use crate::audit::Verdict;
    let shown = &s.reached[..s.reached.len().min(NETWORK_NODES)];
    let index: HashMap<u32, usize> = shown
        .iter()
        .enumerate()
        .map(|(i, &(p, _))| (p, i))
        .collect();
    let nodes = shown
        .iter()
        .map(|&(p, depth)| {
            let i = p as usize;
            let a = posts[i].author as usize;
            let account = &data.accounts[a];
            NetworkNode {
                post: data.threads[i].id.as_str().to_owned(),
                account: account.id.as_str().to_owned(),
                handle: account.handle.clone(),
                parent: if depth == 0 {
                    None
                } else {
                    posts[i].parent.and_then(|q| index.get(&q).copied())
                },
                depth,
                bot_probability: probability.get(a).copied().unwrap_or(f64::NAN),
                likely_bot: verdicts.get(a) == Some(&Verdict::LikelyBot),
                too_little_data: verdicts.get(a) == Some(&Verdict::TooLittleData),
            }
        })
        .collect();
    (nodes, s.reached.len())
}

/// A community a claim reached.
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityReached {
    pub id: u32,
    pub labels: Vec<String>,
    pub size: u32,
    /// The claim's accounts in it.
    pub accounts: usize,
}

/// Bots and communities among the authors of the posts `s` reached.
fn who_it_reached(
    posts: &[SpreadPost],
    s: &Spread,
    verdicts: &[crate::audit::Verdict],
    found: Option<&socialset_analysis::Communities>,
    top: usize,
) -> ClaimReach {
    use crate::audit::Verdict;
    let mut authors: Vec<u32> = s
        .reached
        .iter()
        .map(|&(p, _)| posts[p as usize].author)
        .collect();
    let is_bot = |a: u32| verdicts.get(a as usize) == Some(&Verdict::LikelyBot);
    let posts_by_bots = authors.iter().filter(|&&a| is_bot(a)).count();
    let n_posts = authors.len();
    authors.sort_unstable();
    authors.dedup();
    let judged = authors
        .iter()
        .filter(|&&a| {
            verdicts
                .get(a as usize)
                .is_some_and(|v| *v != Verdict::TooLittleData)
        })
        .count();
    let mut per: HashMap<u32, usize> = HashMap::new();
    if let Some(c) = found {
        for &a in &authors {
            if let Some(&m) = c.membership.get(a as usize) {
                if m != socialset_analysis::NO_COMMUNITY {
                    *per.entry(m).or_default() += 1;
                }
            }
        }
    }
    let mut communities: Vec<CommunityReached> = per
        .iter()
        .filter_map(|(&id, &accounts)| {
            let c = found?.communities.iter().find(|c| c.id == id)?;
            Some(CommunityReached {
                id,
                labels: c.labels.iter().take(5).cloned().collect(),
                size: c.size,
                accounts,
            })
        })
        .collect();
    communities.sort_by(|a, b| b.accounts.cmp(&a.accounts).then(a.id.cmp(&b.id)));
    let communities_reached = communities.len();
    communities.truncate(top);
    ClaimReach {
        accounts: authors.len(),
        judged,
        likely_bots: authors.iter().filter(|&&a| is_bot(a)).count(),
        posts: n_posts,
        posts_by_bots,
        communities_reached,
        communities,
        communities_known: found.is_some(),
        network: Vec::new(),
        network_of: 0,
    }
}

/// The stance of a claim's replies (support, deny, query, comment).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplyStances {
    /// Replies per class, in `STANCES` order.
    pub counts: [usize; 4],
    /// Replies with no call: Italian (no stance model) or with no text.
    pub unread: usize,
    /// Denials and questions by others than the claim's author, earliest first (at most `top`
    /// of each): the crowd's own counter-information.
    pub examples: Vec<StancedReply>,
}

/// A reply with its stance.
#[derive(Clone, Debug, PartialEq)]
pub struct StancedReply {
    pub post: String,
    pub account: String,
    pub handle: Option<String>,
    pub at: Option<Timestamp>,
    pub stance: socialset_analysis::stance::Stance,
    /// The model's chance of that stance.
    pub chance: f64,
    pub text: String,
}

/// Calls the stance of every reply reached by `s` (the shipped English model; Italian texts
/// are counted unread), with the earliest denials and questions.
fn reply_stances(data: &SocialData, s: &Spread, top: usize) -> ReplyStances {
    use socialset_analysis::stance::Stance;
    let mut out = ReplyStances::default();
    let mut examples: Vec<(Option<Timestamp>, StancedReply)> = Vec::new();
    for &(p, depth) in &s.reached {
        let i = p as usize;
        if depth == 0 || data.activity[i].kind != PostKind::Reply {
            continue;
        }
        let text = data.posts[i].text.as_deref().unwrap_or("");
        let (context, _) = crate::stance::context_of(data, i);
        let call = (!text.trim().is_empty())
            .then(|| crate::stance::stance_of(text, context))
            .flatten();
        let Some(call) = call else {
            out.unread += 1;
            continue;
        };
        out.counts[call.stance.index()] += 1;
        // The crowd's counter-information: not the claimant answering in their own thread.
        if matches!(call.stance, Stance::Deny | Stance::Query) && !context.by_claimant {
            let a = &data.accounts[data.posts[i].author.0 as usize];
            let at = data.activity[i].at;
            examples.push((
                at,
                StancedReply {
                    post: data.threads[i].id.as_str().to_owned(),
                    account: a.id.as_str().to_owned(),
                    handle: a.handle.clone(),
                    at,
                    stance: call.stance,
                    chance: call.chances[call.stance.index()],
                    text: text.chars().take(280).collect(),
                },
            ));
        }
    }
    // Earliest first (untimed last), at most `top` of each class.
    examples.sort_by(|a, b| (a.0.is_none(), a.0, &a.1.post).cmp(&(b.0.is_none(), b.0, &b.1.post)));
    let mut kept = [0usize; 4];
    for (_, e) in examples {
        let k = &mut kept[e.stance.index()];
        if *k < top {
            *k += 1;
            out.examples.push(e);
        }
    }
    out
}

/// The posts as the spread reads them, each post's parent its reply, quote or share target.
pub(crate) fn spread_posts(data: &SocialData) -> Vec<SpreadPost> {
    data.threads
        .iter()
        .zip(&data.activity)
        .map(|(t, a)| SpreadPost {
            author: a.author.0,
            at: a.at,
            parent: t.reply_to.or(t.shared),
        })
        .collect()
}

/// Every claim of `kind` with the posts that carry it, in a stable order.
pub(crate) fn claims_of(
    data: &SocialData,
    kind: ClaimKind,
) -> Vec<(String, String, Option<String>, Vec<u32>)> {
    // key → (label, domain, carriers)
    let mut found: HashMap<String, (String, Option<String>, Vec<u32>)> = HashMap::new();
    match kind {
        ClaimKind::Link => {
            for (i, t) in data.threads.iter().enumerate() {
                for u in &t.urls {
                    if let Some((key, domain)) = link_key(u) {
                        let e = found
                            .entry(key)
                            .or_insert_with(|| (u.clone(), Some(domain), Vec::new()));
                        if e.2.last() != Some(&(i as u32)) {
                            e.2.push(i as u32);
                        }
                    }
                }
            }
        }
        ClaimKind::Hashtag => {
            for (i, p) in data.posts.iter().enumerate() {
                for h in &p.hashtags {
                    let e = found
                        .entry(h.to_lowercase())
                        .or_insert_with(|| (format!("#{h}"), None, Vec::new()));
                    if e.2.last() != Some(&(i as u32)) {
                        e.2.push(i as u32);
                    }
                }
            }
        }
        ClaimKind::Text => {
            // Original posts only: a reply or share belongs to the claim it answers.
            let originals: Vec<u32> = (0..data.posts.len() as u32)
                .filter(|&i| {
                    data.activity[i as usize].kind == PostKind::Original
                        && data.posts[i as usize]
                            .text
                            .as_deref()
                            .is_some_and(|t| !t.trim().is_empty())
                })
                .collect();
            let texts: Vec<&str> = originals
                .iter()
                .map(|&i| data.posts[i as usize].text.as_deref().unwrap_or_default())
                .collect();
            let groups = near_duplicate_groups(&texts, &NearDuplicateConfig::default());
            let mut by_group: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
            for (k, g) in groups.into_iter().enumerate() {
                by_group.entry(g).or_default().push(originals[k]);
            }
            for (_, members) in by_group {
                // Named by its first post in time (then in the store's order).
                let first = *members
                    .iter()
                    .min_by_key(|&&i| {
                        (
                            data.activity[i as usize]
                                .at
                                .map_or(i64::MAX, Timestamp::epoch_ms),
                            i,
                        )
                    })
                    .unwrap_or(&members[0]);
                let label = data.posts[first as usize].text.clone().unwrap_or_default();
                found.insert(
                    data.threads[first as usize].id.as_str().to_owned(),
                    (label, None, members),
                );
            }
        }
    }
    let mut out: Vec<_> = found
        .into_iter()
        .map(|(key, (label, domain, carriers))| {
            (format!("{}{key}", kind.prefix()), label, domain, carriers)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The claim `id` names (`link:…` — the link as written is normalised —, `tag:…`, `text:…`):
/// its id, kind, label, domain and the posts that carry it.
type Found = (String, ClaimKind, String, Option<String>, Vec<u32>);

fn find_claim(data: &SocialData, id: &str) -> Result<Found> {
    let kind = ClaimKind::ALL
        .into_iter()
        .find(|k| id.starts_with(k.prefix()))
        .ok_or_else(|| {
            Error::Usage(format!(
                "{id:?} is no claim id: they start with link:, tag: or text: (socialset claims lists them)"
            ))
        })?;
    let key = id.strip_prefix(kind.prefix()).unwrap_or_default();
    // A link or tag as the user writes it is found too: normalised as claims are.
    let wanted = match kind {
        ClaimKind::Link => link_key(key).map_or_else(|| key.to_owned(), |(k, _)| k),
        ClaimKind::Hashtag => key.trim_start_matches('#').to_lowercase(),
        ClaimKind::Text => key.to_owned(),
    };
    let wanted = format!("{}{wanted}", kind.prefix());
    claims_of(data, kind)
        .into_iter()
        .find(|c| c.0 == wanted)
        .map(|(id, label, domain, carriers)| (id, kind, label, domain, carriers))
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no claim {wanted} in the store (socialset claims --kind {} lists them)",
                kind.as_str()
            ))
        })
}

/// Who a claim reached, for the answer to it: the accounts that posted in its cascades
/// (`exposed`), and those among them that carried the claim itself.
pub(crate) struct ClaimAudience {
    pub exposed: Vec<u32>,
    pub carriers: Vec<u32>,
}

pub(crate) fn claim_audience(data: &SocialData, id: &str) -> Result<ClaimAudience> {
    let posts = spread_posts(data);
    let children = Children::new(&posts);
    let (_, _, _, _, carrier_posts) = find_claim(data, id)?;
    let s = spread(&posts, &children, &carrier_posts);
    let mut exposed: Vec<u32> = s
        .reached
        .iter()
        .map(|&(p, _)| posts[p as usize].author)
        .collect();
    exposed.sort_unstable();
    exposed.dedup();
    let mut carriers: Vec<u32> = carrier_posts
        .iter()
        .map(|&p| posts[p as usize].author)
        .collect();
    carriers.sort_unstable();
    carriers.dedup();
    Ok(ClaimAudience { exposed, carriers })
}

impl Workspace {
    /// The claims spreading most: links, hashtags and stories told in near-identical words,
    /// each with its cascades' size, depth, breadth, structural virality and speed.
    pub fn claims(&self, options: &ClaimOptions) -> Result<ClaimsReport> {
        self.step("loading the store", 0)?;
        let data = self.load_social(&options.window)?;
        let posts = spread_posts(&data);
        let children = Children::new(&posts);
        let kinds: Vec<ClaimKind> = options.kind.map_or(ClaimKind::ALL.to_vec(), |k| vec![k]);
        // The stories are found here only when a claim named by words or post needs them;
        // each kind is otherwise found in its turn, one list held at a time.
        let mut of_kind = HashMap::new();
        let mut checks = fact_checks(&data, self.store.claim_records()?, &mut of_kind);
        let mut all = Vec::new();
        let mut found = 0;
        for kind in kinds {
            self.step(&format!("finding {} claims", kind.as_str()), 0)?;
            let claims = of_kind
                .remove(&kind)
                .unwrap_or_else(|| claims_of(&data, kind));
            found += claims.len();
            self.step(
                &format!("following the {} claims' cascades", kind.as_str()),
                claims.len() as u64,
            )?;
            for (n, (id, label, domain, carriers)) in claims.into_iter().enumerate() {
                if n % 4096 == 0 {
                    self.check_cancel()?;
                    self.progress.set(n as u64);
                }
                if options.verdict.is_some()
                    && checks.by_claim.get(&id).and_then(|c| c.verdict) != options.verdict
                {
                    continue;
                }
                let mut s = spread(&posts, &children, &carriers);
                if s.accounts < options.min_accounts {
                    continue;
                }
                s.reached = Vec::new();
                all.push(Claim {
                    check: checks.by_claim.remove(&id),
                    id,
                    kind,
                    label,
                    domain,
                    carriers: carriers.len(),
                    spread: s,
                });
            }
        }
        let spreading = all.len();
        all.sort_by(|a, b| {
            b.spread
                .accounts
                .cmp(&a.spread.accounts)
                .then(b.spread.posts.cmp(&a.spread.posts))
                .then(a.id.cmp(&b.id))
        });
        if options.top > 0 {
            all.truncate(options.top);
        }
        Ok(ClaimsReport {
            claims: all,
            found,
            spreading,
            posts: posts.len(),
            linked: posts.iter().filter(|p| p.parent.is_some()).count(),
            named: checks.named,
            unmatched: checks.unmatched,
        })
    }

    /// One claim by its id (`link:…`, `tag:…`, `text:…`): its spread, day by day, and who
    /// carried it furthest.
    pub fn claim(&self, id: &str, window: &TimeWindow, top: usize) -> Result<ClaimDetail> {
        self.claim_with(id, window, top, true)
    }

    /// `claim`, and whom it reached only when `reach` (auditing every account and finding
    /// the communities take most of the time on a large store: a page can show the rest
    /// first).
    pub fn claim_with(
        &self,
        id: &str,
        window: &TimeWindow,
        top: usize,
        reach: bool,
    ) -> Result<ClaimDetail> {
        self.step("loading the store", 0)?;
        let data = self.load_social(window)?;
        let posts = spread_posts(&data);
        let children = Children::new(&posts);
        self.step("finding the claim", 0)?;
        let (id, kind, label, domain, carriers) = find_claim(&data, id)?;
        let s = spread(&posts, &children, &carriers);
        // Day by day: posts, and accounts seen for the first time.
        let mut days: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        let mut timed: Vec<(Timestamp, u32)> = s
            .reached
            .iter()
            .filter_map(|&(p, _)| posts[p as usize].at.map(|t| (t, posts[p as usize].author)))
            .collect();
        timed.sort_unstable();
        let mut met = std::collections::HashSet::new();
        for (t, a) in timed {
            let e = days.entry(t.day()).or_default();
            e.0 += 1;
            if met.insert(a) {
                e.1 += 1;
            }
        }
        // Posts below each post of the cascades (its subtree, itself excluded), summed per author.
        let index: HashMap<u32, usize> = s
            .reached
            .iter()
            .enumerate()
            .map(|(i, &(p, _))| (p, i))
            .collect();
        let mut below = vec![0usize; s.reached.len()];
        for i in (0..s.reached.len()).rev() {
            let p = s.reached[i].0;
            if s.reached[i].1 == 0 {
                continue;
            }
            if let Some(&j) = posts[p as usize].parent.and_then(|q| index.get(&q)) {
                below[j] += below[i] + 1;
            }
        }
        // Posts by others below an account's posts, each counted once: the subtrees of its
        // topmost posts (those with no post of its own above them) are disjoint and hold its
        // other posts. Found depth-first, counting each author's posts on the current path.
        let carriers_set: std::collections::HashSet<u32> = carriers.iter().copied().collect();
        let mut by_author: HashMap<u32, Spreader> = HashMap::new();
        let mut on_path: HashMap<u32, u32> = HashMap::new();
        for (root, _) in s.reached.iter().filter(|&&(_, d)| d == 0) {
            // (post, entering?)
            let mut stack = vec![(*root, true)];
            while let Some((p, entering)) = stack.pop() {
                let a = posts[p as usize].author;
                if !entering {
                    if let Some(n) = on_path.get_mut(&a) {
                        *n -= 1;
                    }
                    continue;
                }
                let topmost = on_path.get(&a).copied().unwrap_or(0) == 0;
                let e = by_author.entry(a).or_insert_with(|| Spreader {
                    account: data.accounts[a as usize].id.as_str().to_owned(),
                    handle: data.accounts[a as usize].handle.clone(),
                    posts: 0,
                    below: 0,
                    carrier: false,
                });
                e.posts += 1;
                e.carrier |= carriers_set.contains(&p);
                if topmost {
                    e.below += index.get(&p).map_or(0, |&i| below[i]);
                } else {
                    // Its own post, counted in the subtree of its topmost one.
                    e.below = e.below.saturating_sub(1);
                }
                *on_path.entry(a).or_default() += 1;
                stack.push((p, false));
                for &c in children.of(p) {
                    if index.contains_key(&c) {
                        stack.push((c, true));
                    }
                }
            }
        }
        let mut spreaders: Vec<Spreader> = by_author.into_values().collect();
        spreaders.sort_by(|a, b| {
            b.below
                .cmp(&a.below)
                .then(b.posts.cmp(&a.posts))
                .then(a.account.cmp(&b.account))
        });
        spreaders.truncate(top);
        let who = spreaders_of(&data, &s.reached, &carriers);
        let (check, record) = self.claim_check(&data, &posts, &children, &id, &who)?;
        self.step("reading the stance of replies", 0)?;
        let replies = reply_stances(&data, &s, top);
        let reach = if reach {
            self.step("auditing the accounts it reached", 0)?;
            let (probability, verdicts) = crate::audit::bot_verdicts(&data, &self.cancel)?;
            let found = if data.events.is_empty() {
                None
            } else {
                self.step("finding the communities it reached", 0)?;
                Some(
                    crate::communities::communities_of(
                        &data,
                        &crate::CommunityOptions::default(),
                        &self.cancel,
                    )?
                    .0,
                )
            };
            let mut r = who_it_reached(&posts, &s, &verdicts, found.as_ref(), top);
            (r.network, r.network_of) = spread_network(&data, &posts, &s, &probability, &verdicts);
            Some(r)
        } else {
            None
        };
        let mut s = s;
        s.reached = Vec::new();
        Ok(ClaimDetail {
            claim: Claim {
                id,
                kind,
                label,
                domain,
                carriers: carriers.len(),
                spread: s,
                check,
            },
            timeline: days.into_iter().map(|(d, (p, a))| (d, p, a)).collect(),
            spreaders,
            replies,
            reach,
            record,
        })
    }
}

/// The measures of spread compared between labels.
pub const SPREAD_MEASURES: [&str; 5] = [
    "accounts",
    "depth",
    "max_breadth",
    "structural_virality",
    "hours_to_10_accounts",
];

fn measures(s: &Spread) -> [Option<f64>; 5] {
    [
        Some(s.accounts as f64),
        Some(s.depth as f64),
        Some(s.max_breadth as f64),
        Some(s.structural_virality),
        s.time_to[0].map(|ms| ms as f64 / 3_600_000.0),
    ]
}

/// How claims of one label spread.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelSpread {
    pub label: String,
    pub claims: usize,
    /// Per measure (`SPREAD_MEASURES`): claims that have it, mean and median.
    pub measures: Vec<(usize, f64, f64)>,
}

/// Spread of labelled claims: does one label spread farther, deeper, wider, faster?
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadEval {
    /// Labelled claims, and those whose source post the data holds.
    pub labelled: usize,
    pub found: usize,
    pub labels: Vec<LabelSpread>,
    /// The labels compared (`b` against `a`: false against true, fake against real) and, per
    /// measure, the difference of means `b − a` with its 95% bootstrap interval.
    pub compared: Option<(String, String)>,
    pub differences: Vec<Option<(f64, f64, f64)>>,
}

/// Spread of labelled claims: `data` (posts with their replies and shares, e.g. the PHEME
/// threads) imported into a throwaway store, each claim of `labels` (a source post's id and
/// its label) followed from its post.
pub fn eval_spread(
    data: &std::path::Path,
    labels: &std::path::Path,
    observer: &mut dyn crate::ImportObserver,
) -> Result<SpreadEval> {
    let labelled = socialset_ingest::read_claim_labels(labels).map_err(Error::BadInput)?;
    let (_dir, ws) =
        crate::eval::scratch_workspace(data, &crate::ImportOptions::default(), observer)?;
    let social = ws.load_social(&TimeWindow::default())?;
    let posts = spread_posts(&social);
    let children = Children::new(&posts);
    // A label names a post by its id with or without the platform's prefix.
    let mut by_local: HashMap<&str, u32> = HashMap::new();
    for (i, t) in social.threads.iter().enumerate() {
        by_local.insert(t.id.local(), i as u32);
        by_local.insert(t.id.as_str(), i as u32);
    }
    let mut samples: std::collections::BTreeMap<String, Vec<[Option<f64>; 5]>> = Default::default();
    let mut found = 0;
    for (id, label) in &labelled {
        let Some(&p) = by_local.get(id.as_str()) else {
            continue;
        };
        found += 1;
        let s = spread(&posts, &children, &[p]);
        samples.entry(label.clone()).or_default().push(measures(&s));
    }
    if found == 0 {
        return Err(Error::Usage(format!(
            "no labelled claim of {} is a post of {}: the ids do not meet",
            labels.display(),
            data.display()
        )));
    }
    let column = |rows: &[[Option<f64>; 5]], m: usize| -> Vec<f64> {
        rows.iter().filter_map(|r| r[m]).collect()
    };
    let labels_out = samples
        .iter()
        .map(|(label, rows)| LabelSpread {
            label: label.clone(),
            claims: rows.len(),
            measures: (0..SPREAD_MEASURES.len())
                .map(|m| {
                    let mut x = column(rows, m);
                    let mean = if x.is_empty() {
                        f64::NAN
                    } else {
                        x.iter().sum::<f64>() / x.len() as f64
                    };
                    (x.len(), mean, socialset_analysis::median(&mut x))
                })
                .collect(),
        })
        .collect();
    let compared = [("true", "false"), ("real", "fake")]
        .into_iter()
        .find(|(a, b)| samples.contains_key(*a) && samples.contains_key(*b))
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
    let differences = match &compared {
        Some((a, b)) => (0..SPREAD_MEASURES.len())
            .map(|m| {
                socialset_analysis::spread::mean_difference(
                    &column(&samples[a], m),
                    &column(&samples[b], m),
                    2000,
                    0x5eed,
                )
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(SpreadEval {
        labelled: labelled.len(),
        found,
        labels: labels_out,
        compared,
        differences,
    })
}
