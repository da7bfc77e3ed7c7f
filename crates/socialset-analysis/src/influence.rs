//! Influence: who earned authority from the people who really engage with them.
//!
//! Engagement-weighted PageRank on the interaction graph (an edge A→B when A replied to,
//! quoted, shared, mentioned or liked B, weighted by kind), so authority flows from engagers to
//! the engaged, and an engager's own authority counts. Topic-sensitive ranking follows
//! TwitterRank (Weng, Lim, Jiang, He 2010, "TwitterRank: finding topic-sensitive influential
//! twitterers", WSDM): the walk keeps to engagement about the topic and teleports to the
//! accounts that post about it, in proportion to how much. What we changed: a topic is a list
//! of words and hashtags matched in post texts rather than an LDA topic, and topical
//! similarity between accounts is 0 or 1 (an engagement is about the topic when its post
//! matches, or when it goes to an account that posts about the topic), so every ranking can
//! be explained by the posts that made it.

use socialset_graph::{pagerank, Convergence, Csr, PageRankConfig, PageRankGraph};
use socialset_model::{AccountIdx, InteractionKind};

use crate::engagement::{engagement_by_account, Engagement};
use crate::layers::{FollowEdge, Layer, Layers};

/// How much one engagement of each kind endorses its target. A reply costs its author the
/// most effort and opens a conversation; a quote adds the quoter's own words; a share
/// amplifies without comment; a mention only names; a like costs a tap. Hence, by default,
/// reply > quote > share > mention > like. A follow is a standing endorsement given once, at
/// no cost, and says nothing about whether the follower still listens: it counts least (0.1),
/// enough to rank on follow-only data, too little to outweigh real interaction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EngagementWeights {
    pub reply: f64,
    pub quote: f64,
    pub share: f64,
    pub mention: f64,
    pub like: f64,
    pub follow: f64,
}

impl Default for EngagementWeights {
    fn default() -> Self {
        Self {
            reply: 1.0,
            quote: 0.8,
            share: 0.6,
            mention: 0.4,
            like: 0.2,
            follow: 0.1,
        }
    }
}

impl EngagementWeights {
    pub fn of(&self, kind: InteractionKind) -> f64 {
        match kind {
            InteractionKind::Reply => self.reply,
            InteractionKind::Quote => self.quote,
            InteractionKind::Share => self.share,
            InteractionKind::Mention => self.mention,
            InteractionKind::Like => self.like,
        }
    }

    pub fn of_layer(&self, layer: Layer) -> f64 {
        match layer {
            Layer::Interaction(kind) => self.of(kind),
            Layer::Follow => self.follow,
        }
    }

    /// Parses `reply=1,share=0.5,follow=0` (layers not named keep their defaults).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut w = Self::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected KIND=WEIGHT, e.g. reply=1"))?;
            let kind = kind.trim();
            let value: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("{part:?}: the weight must be a number, zero or more"))?;
            if kind.eq_ignore_ascii_case("follow") {
                w.follow = value;
                continue;
            }
            match kind
                .parse::<InteractionKind>()
                .map_err(|e| format!("{e}, or follow"))?
            {
                InteractionKind::Reply => w.reply = value,
                InteractionKind::Quote => w.quote = value,
                InteractionKind::Share => w.share = value,
                InteractionKind::Mention => w.mention = value,
                InteractionKind::Like => w.like = value,
            }
        }
        Ok(w)
    }
}

/// Follower tiers, as the influencer-marketing trade names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Fewer than 10,000 followers.
    Nano,
    /// 10,000 to 99,999.
    Micro,
    /// 100,000 to 499,999.
    Mid,
    /// 500,000 to 999,999.
    Macro,
    /// 1,000,000 or more.
    Mega,
}

impl Tier {
    pub const ALL: [Self; 5] = [Self::Nano, Self::Micro, Self::Mid, Self::Macro, Self::Mega];

    pub fn of(audience: u64) -> Self {
        match audience {
            0..=9_999 => Self::Nano,
            10_000..=99_999 => Self::Micro,
            100_000..=499_999 => Self::Mid,
            500_000..=999_999 => Self::Macro,
            _ => Self::Mega,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nano => "nano",
            Self::Micro => "micro",
            Self::Mid => "mid",
            Self::Macro => "macro",
            Self::Mega => "mega",
        }
    }
}

impl std::str::FromStr for Tier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a tier: expected nano, micro, mid, macro or mega"))
    }
}

/// How big an account's audience is, and how we know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Its follower count, as imported.
    Followers(u64),
    /// Follower count unknown: the distinct accounts that engaged with it or follow it in the
    /// data (a lower bound on its real audience), labelled as such wherever it is shown.
    InGraph(u64),
}

impl Audience {
    pub fn size(self) -> u64 {
        match self {
            Self::Followers(n) | Self::InGraph(n) => n,
        }
    }
}

/// A topic: words and hashtags, matched case-insensitively in posts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub words: Vec<String>,
    pub hashtags: Vec<String>,
}

impl Topic {
    /// Parses `"risotto, #milano, slow food"`: `#` marks hashtags; other items are words or
    /// phrases matched on word boundaries.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut topic = Self {
            words: Vec::new(),
            hashtags: Vec::new(),
        };
        for item in text
            .split(',')
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
        {
            match item.strip_prefix('#') {
                Some(tag) if !tag.is_empty() => topic.hashtags.push(tag.to_owned()),
                Some(_) => {}
                None => topic.words.push(item),
            }
        }
        if topic.words.is_empty() && topic.hashtags.is_empty() {
            return Err("the topic is empty: give words or #hashtags separated by commas".into());
        }
        Ok(topic)
    }

    /// Whether a post is about the topic.
    pub fn matches(&self, post: &PostText) -> bool {
        if post.hashtags.iter().any(|h| self.hashtags.contains(h)) {
            return true;
        }
        let Some(text) = &post.text else { return false };
        let text = text.to_lowercase();
        self.hashtags
            .iter()
            .any(|h| contains_word(&text, &format!("#{h}")))
            || self.words.iter().any(|w| contains_word(&text, w))
    }
}

/// `needle` occurs in `haystack` not glued to letters or digits on either side.
fn contains_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, m)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What the analysis needs of a post.
#[derive(Clone, Debug, PartialEq)]
pub struct PostText {
    pub author: AccountIdx,
    pub text: Option<String>,
    /// Lower-case, without `#`.
    pub hashtags: Vec<String>,
}

/// How to rank.
#[derive(Clone, Debug, PartialEq)]
pub struct InfluenceConfig {
    pub weights: EngagementWeights,
    pub pagerank: PageRankConfig,
    /// "Native" means an audience of at most this many (default 5,000).
    pub max_followers: u64,
    pub topic: Option<Topic>,
    /// Count an account whose follower count is unknown as native when its in-graph audience
    /// is within `max_followers` (by default such an account is in no tier and not native:
    /// a police force or a news channel known only from mentions is not an ordinary person).
    pub assume_native_if_unknown: bool,
}

impl Default for InfluenceConfig {
    fn default() -> Self {
        Self {
            weights: EngagementWeights::default(),
            pagerank: PageRankConfig::default(),
            max_followers: 5_000,
            topic: None,
            assume_native_if_unknown: false,
        }
    }
}

/// The data ranked: accounts `0..n_accounts`, their engagements and posts.
#[derive(Clone, Copy, Debug)]
pub struct InfluenceInput<'a> {
    pub n_accounts: usize,
    pub events: &'a [Engagement],
    /// Who follows whom, where known (the follow layer).
    pub follows: &'a [FollowEdge],
    pub posts: &'a [PostText],
    /// Follower count per account, when known.
    pub followers: &'a [Option<u64>],
}

/// Engagement to a node's score, below which the evidence is thin: at this many distinct
/// engagers the confidence is one half.
pub const EVIDENCE_HALF: f64 = 10.0;

/// One ranked account.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountInfluence {
    pub account: AccountIdx,
    /// PageRank score: the account's share of all authority (scores sum to 1).
    pub score: f64,
    /// 1 for the best.
    pub rank: u32,
    pub audience: Audience,
    /// By followers; `None` (tier "unknown") when the follower count is unknown.
    pub tier: Option<Tier>,
    /// Followers at most `max_followers`; with an unknown follower count, only when the
    /// configuration assumes it (`assume_native_if_unknown`).
    pub native: bool,
    pub distinct_engagers: u32,
    /// Distinct accounts that follow it in the ranked graph (the follow layer).
    pub followers_in_graph: u32,
    /// Distinct accounts that engage with it or follow it: its in-graph audience. An account
    /// with none (and no topical posts) took no part in the ranking.
    pub endorsers: u32,
    /// Engagements received (in the ranked graph), by kind in `InteractionKind::ALL` order.
    pub received_by_kind: [f64; 5],
    /// n / (n + EVIDENCE_HALF) for n distinct engagers: 3 engagers give 0.23, 300 give 0.97.
    pub confidence: f64,
    /// Posts about the topic, when ranking by topic.
    pub topical_posts: u32,
}

/// How much of the data a topic ranking stood on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicCoverage {
    pub posts_matched: u32,
    pub accounts_posting: u32,
    pub engagements_kept: u64,
}

/// Every account ranked, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct InfluenceRanking {
    pub accounts: Vec<AccountInfluence>,
    pub convergence: Convergence,
    pub topic: Option<TopicCoverage>,
    /// Score per account index, for explanations.
    pub scores: Vec<f64>,
}

/// The weighted graph the ranking walks, and where it teleports.
struct Walk {
    graph: Csr,
    /// In-degree of the follow layer, per account.
    followers_in_graph: Vec<u32>,
    events: Vec<Engagement>,
    follows: Vec<FollowEdge>,
    personalization: Option<Vec<f64>>,
    topical_posts: Vec<u32>,
    coverage: Option<TopicCoverage>,
}

fn walk(input: &InfluenceInput<'_>, config: &InfluenceConfig) -> Walk {
    let n = input.n_accounts;
    let mut topical_posts = vec![0u32; n];
    let (events, follows, personalization, coverage) = match &config.topic {
        None => (input.events.to_vec(), input.follows.to_vec(), None, None),
        Some(topic) => {
            let post_matches: Vec<bool> = input.posts.iter().map(|p| topic.matches(p)).collect();
            for (p, &m) in input.posts.iter().zip(&post_matches) {
                if m {
                    topical_posts[p.author.0 as usize] += 1;
                }
            }
            let kept: Vec<Engagement> = input
                .events
                .iter()
                .filter(|e| {
                    e.post
                        .is_some_and(|p| post_matches.get(p as usize).copied().unwrap_or(false))
                        || topical_posts[e.dst.0 as usize] > 0
                })
                .copied()
                .collect();
            // A follow is about the topic when it goes to someone who posts about it.
            let follows: Vec<FollowEdge> = input
                .follows
                .iter()
                .filter(|f| topical_posts[f.dst.0 as usize] > 0)
                .copied()
                .collect();
            let coverage = TopicCoverage {
                posts_matched: post_matches.iter().filter(|&&m| m).count() as u32,
                accounts_posting: topical_posts.iter().filter(|&&c| c > 0).count() as u32,
                engagements_kept: kept.len() as u64,
            };
            let p: Vec<f64> = topical_posts.iter().map(|&c| f64::from(c)).collect();
            (kept, follows, Some(p), Some(coverage))
        }
    };
    let layers = Layers::build(n, &events, &follows);
    let graph = layers.combined(&config.weights);
    let followers_in_graph = in_degrees(layers.layer(Layer::Follow));
    Walk {
        graph,
        followers_in_graph,
        events,
        follows,
        personalization,
        topical_posts,
        coverage,
    }
}

fn in_degrees(g: &Csr) -> Vec<u32> {
    let mut d = vec![0u32; g.n_nodes()];
    for v in 0..g.n_nodes() as u32 {
        for &u in g.targets_of(v) {
            d[u as usize] += 1;
        }
    }
    d
}

/// Ranks every account by engagement-weighted (and, with a topic, topic-sensitive) PageRank.
pub fn rank_influence(input: &InfluenceInput<'_>, config: &InfluenceConfig) -> InfluenceRanking {
    let n = input.n_accounts;
    let w = walk(input, config);
    let graph = PageRankGraph::new(&w.graph);
    let pr = pagerank(&graph, w.personalization.as_deref(), &config.pagerank);
    let engagement = engagement_by_account(n, &w.events);
    let endorsers = in_degrees(&w.graph);
    let mut accounts: Vec<AccountInfluence> = (0..n)
        .map(|v| {
            let s = &engagement[v];
            let audience = match input.followers.get(v).copied().flatten() {
                Some(f) => Audience::Followers(f),
                None => Audience::InGraph(u64::from(endorsers[v])),
            };
            AccountInfluence {
                account: AccountIdx(v as u32),
                score: pr.scores[v],
                rank: 0,
                tier: match audience {
                    Audience::Followers(f) => Some(Tier::of(f)),
                    Audience::InGraph(_) => None,
                },
                native: audience.size() <= config.max_followers
                    && (config.assume_native_if_unknown
                        || matches!(audience, Audience::Followers(_))),
                audience,
                distinct_engagers: s.distinct_engagers,
                followers_in_graph: w.followers_in_graph[v],
                endorsers: endorsers[v],
                received_by_kind: s.received_by_kind,
                confidence: f64::from(s.distinct_engagers)
                    / (f64::from(s.distinct_engagers) + EVIDENCE_HALF),
                topical_posts: w.topical_posts[v],
            }
        })
        .collect();
    accounts.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.account.cmp(&b.account)));
    for (i, a) in accounts.iter_mut().enumerate() {
        a.rank = i as u32 + 1;
    }
    InfluenceRanking {
        accounts,
        convergence: pr.convergence,
        topic: w.coverage,
        scores: pr.scores,
    }
}

/// One engager's part in an account's score.
#[derive(Clone, Debug, PartialEq)]
pub struct EngagerShare {
    pub account: AccountIdx,
    /// Share of the explained account's score that flows from this engager.
    pub share_of_score: f64,
    /// The engagements it gave, by kind.
    pub engagements_by_kind: [f64; 5],
    /// Whether it follows the explained account (the follow layer).
    pub follows: bool,
}

/// Why an account ranks where it does.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub influence: AccountInfluence,
    /// The engagers whose authority flows to it, largest share first.
    pub engagers: Vec<EngagerShare>,
    /// Share of the score that is not earned from engagers: the random-jump baseline every
    /// account gets (and, by topic, the bonus for posting about it).
    pub baseline_share: f64,
}

/// Explains `account`'s place in `ranking` (made by `rank_influence` with the same input and
/// config): each engager's share of its score, and the baseline. The shares and the baseline
/// sum to 1.
pub fn explain_influence(
    input: &InfluenceInput<'_>,
    config: &InfluenceConfig,
    ranking: &InfluenceRanking,
    account: AccountIdx,
) -> Option<Explanation> {
    let influence = ranking
        .accounts
        .iter()
        .find(|a| a.account == account)?
        .clone();
    let w = walk(input, config);
    let n = input.n_accounts;
    let d = config.pagerank.damping;
    let mut by_engager: std::collections::BTreeMap<u32, (f64, [f64; 5], bool)> =
        std::collections::BTreeMap::new();
    for u in 0..n as u32 {
        let targets = w.graph.targets_of(u);
        if let Ok(i) = targets.binary_search(&account.0) {
            let flow = d * ranking.scores[u as usize] * f64::from(w.graph.weights_of(u)[i])
                / w.graph.out_weight(u);
            by_engager.entry(u).or_insert((0.0, [0.0; 5], false)).0 += flow;
        }
    }
    for e in &w.events {
        if e.dst == account && e.src != account {
            if let Some(entry) = by_engager.get_mut(&e.src.0) {
                entry.1[usize::from(e.kind.code())] += e.weight;
            }
        }
    }
    for f in &w.follows {
        if f.dst == account && f.src != account {
            if let Some(entry) = by_engager.get_mut(&f.src.0) {
                entry.2 = true;
            }
        }
    }
    let earned: f64 = by_engager.values().map(|(f, _, _)| f).sum();
    let total = ranking.scores[account.0 as usize].max(earned);
    let mut engagers: Vec<EngagerShare> = by_engager
        .into_iter()
        .map(|(u, (flow, kinds, follows))| EngagerShare {
            account: AccountIdx(u),
            share_of_score: if total > 0.0 { flow / total } else { 0.0 },
            engagements_by_kind: kinds,
            follows,
        })
        .collect();
    engagers.sort_by(|a, b| {
        b.share_of_score
            .total_cmp(&a.share_of_score)
            .then(a.account.cmp(&b.account))
    });
    let baseline_share = if total > 0.0 {
        (total - earned) / total
    } else {
        1.0
    };
    Some(Explanation {
        influence,
        engagers,
        baseline_share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engagement::tests::parse;

    fn input<'a>(
        events: &'a [Engagement],
        posts: &'a [PostText],
        followers: &'a [Option<u64>],
    ) -> InfluenceInput<'a> {
        InfluenceInput {
            n_accounts: followers.len(),
            events,
            follows: &[],
            posts,
            followers,
        }
    }

    #[test]
    fn the_most_engaged_account_ranks_first_with_its_tier() {
        let events = parse("a -reply-> c; b -reply-> c; d -share-> c; c -mention-> a; b -like-> a");
        let followers = [Some(120), None, Some(40_000), Some(3)];
        let r = rank_influence(
            &input(&events, &[], &followers),
            &InfluenceConfig::default(),
        );
        let top = &r.accounts[0];
        assert_eq!(top.account, AccountIdx(2));
        assert_eq!(top.tier, Some(Tier::Micro));
        assert!(!top.native);
        assert_eq!(top.distinct_engagers, 3);
        assert!((top.confidence - 3.0 / 13.0).abs() < 1e-12);
        let b = r
            .accounts
            .iter()
            .find(|a| a.account == AccountIdx(1))
            .expect("b");
        assert_eq!(b.audience, Audience::InGraph(0));
        assert_eq!(b.tier, None);
        assert!(
            !b.native,
            "an unknown audience is not native unless assumed"
        );
        let assumed = rank_influence(
            &input(&events, &[], &followers),
            &InfluenceConfig {
                assume_native_if_unknown: true,
                ..InfluenceConfig::default()
            },
        );
        assert!(assumed
            .accounts
            .iter()
            .any(|a| a.account == AccountIdx(1) && a.native));
        assert!((r.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn explanation_shares_sum_to_one() {
        let events = parse(
            "a -reply-> c; b -reply-> c; b -share-> c; d -share-> c; c -mention-> a; d -reply-> b",
        );
        let followers = [None; 4];
        let i = input(&events, &[], &followers);
        let config = InfluenceConfig::default();
        let r = rank_influence(&i, &config);
        for v in 0..4 {
            let e = explain_influence(&i, &config, &r, AccountIdx(v)).expect("explanation");
            let sum: f64 =
                e.engagers.iter().map(|s| s.share_of_score).sum::<f64>() + e.baseline_share;
            assert!((sum - 1.0).abs() < 1e-9, "account {v}: {sum}");
            assert!(e.baseline_share >= 0.0);
        }
        let c = explain_influence(&i, &config, &r, AccountIdx(2)).expect("c");
        assert_eq!(c.engagers.len(), 3);
        let from_b = c
            .engagers
            .iter()
            .find(|s| s.account == AccountIdx(1))
            .expect("b engaged");
        assert_eq!(from_b.engagements_by_kind, [1.0, 0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn a_topic_keeps_its_engagement_and_teleports_to_its_posters() {
        // b posts about risotto, c about football; a engages with both, d only with c.
        let events = parse("a -reply-> b; a -reply-> c; d -reply-> c; e -share-> c");
        let posts = [
            PostText {
                author: AccountIdx(1),
                text: Some("Il mio Risotto alla milanese".into()),
                hashtags: vec![],
            },
            PostText {
                author: AccountIdx(2),
                text: Some("Derby tonight".into()),
                hashtags: vec!["football".into()],
            },
        ];
        let followers = [None; 5];
        let config = InfluenceConfig {
            topic: Some(Topic::parse("risotto").expect("topic")),
            ..InfluenceConfig::default()
        };
        let r = rank_influence(&input(&events, &posts, &followers), &config);
        assert_eq!(r.accounts[0].account, AccountIdx(1));
        assert_eq!(
            r.topic,
            Some(TopicCoverage {
                posts_matched: 1,
                accounts_posting: 1,
                engagements_kept: 1
            })
        );
        let plain = rank_influence(
            &input(&events, &posts, &followers),
            &InfluenceConfig::default(),
        );
        assert_eq!(plain.accounts[0].account, AccountIdx(2));
    }

    #[test]
    fn topics_and_weights_parse() {
        let t = Topic::parse("Risotto, #Milano, slow food").expect("topic");
        assert_eq!(t.words, vec!["risotto", "slow food"]);
        assert_eq!(t.hashtags, vec!["milano"]);
        assert!(Topic::parse(" , ").is_err());
        let post = |text: &str| PostText {
            author: AccountIdx(0),
            text: Some(text.into()),
            hashtags: vec![],
        };
        assert!(t.matches(&post("Serata #milano!")));
        assert!(!t.matches(&post("risottos everywhere")));
        let w = EngagementWeights::parse("reply=2, like=0").expect("weights");
        assert_eq!((w.reply, w.like, w.share), (2.0, 0.0, 0.6));
        assert!(EngagementWeights::parse("poke=1").is_err());
        assert!(EngagementWeights::parse("reply=-1").is_err());
        assert_eq!(Tier::of(9_999), Tier::Nano);
        assert_eq!(Tier::of(1_000_000), Tier::Mega);
    }
}
