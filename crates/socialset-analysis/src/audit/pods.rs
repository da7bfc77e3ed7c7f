//! Engagement pods: groups of accounts that inflate each other's posts — likes, shares and
//! quotes that arrive reciprocally, densely and fast — to game reach.
//!
//! Only inflating engagement counts (`inflates`): replies and mentions are conversation, and a
//! brand answering its customers within minutes, or friends talking, is not a pod however
//! fast and reciprocal it is.
//!
//! 1. Mutual pairs: two accounts that each inflated the other at least `min_pair_events`
//!    times (timed events only).
//! 2. Candidate groups: Leiden with the Constant Potts Model on the graph of mutual pairs, at a
//!    density threshold (`min_density`): CPM keeps a group together only where its members are
//!    linked more densely than that.
//! 3. Evidence for each group of at least `min_size`: density of mutual pairs, reciprocity of
//!    the engagement inside it, the share of that engagement that arrives within
//!    `window_minutes` of another member's on the same account (members swarm a new post), and
//!    the typical gap. The score is the geometric mean of the first three; groups at or over
//!    `min_score` are reported.

use socialset_graph::{leiden, Csr, Edge, LeidenConfig, Quality};
use socialset_model::{AccountIdx, InteractionKind};

use crate::metrics::median;
use crate::Engagement;

/// How to look for pods.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodConfig {
    /// Engagements each way before two accounts count as a mutual pair.
    pub min_pair_events: u32,
    /// Smallest group reported.
    pub min_size: usize,
    /// CPM density threshold for candidate groups.
    pub min_density: f64,
    /// "Fast": within this many minutes of another member's engagement with the same account.
    pub window_minutes: f64,
    /// Smallest score reported, in [0, 1].
    pub min_score: f64,
    pub seed: u64,
}

impl Default for PodConfig {
    fn default() -> Self {
        Self {
            min_pair_events: 1,
            min_size: 4,
            min_density: 0.5,
            window_minutes: 10.0,
            min_score: 0.5,
            seed: 42,
        }
    }
}

/// A suspected pod: its members and the evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Pod {
    /// Members, in index order.
    pub members: Vec<AccountIdx>,
    pub evidence: PodEvidence,
}

/// Why a group looks like a pod.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodEvidence {
    /// Share of member pairs that engage each other (both ways).
    pub density: f64,
    /// Share of the engagement inside the group that is returned.
    pub reciprocity: f64,
    /// Share of the engagement inside the group that lands within the window of another
    /// member's on the same account.
    pub fast_share: f64,
    /// Median minutes between consecutive members' engagements on the same account.
    pub median_gap_minutes: f64,
    /// Engagement events inside the group.
    pub events: u64,
    /// Share of the members' engagement given that stays inside the group.
    pub insularity: f64,
    /// Geometric mean of density, reciprocity and fast share.
    pub score: f64,
}

/// Whether an engagement of this kind inflates a post's reach rather than talk to its author:
/// likes, shares and quotes; not replies or mentions.
pub fn inflates(kind: InteractionKind) -> bool {
    matches!(
        kind,
        InteractionKind::Like | InteractionKind::Share | InteractionKind::Quote
    )
}

/// Counts of each (src, dst) pair, sorted by pair.
fn count_pairs(mut keys: Vec<(u32, u32)>) -> Vec<((u32, u32), u64)> {
    keys.sort_unstable();
    let mut out: Vec<((u32, u32), u64)> = Vec::new();
    for k in keys {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 += 1,
            _ => out.push((k, 1)),
        }
    }
    out
}

fn count_of(counts: &[((u32, u32), u64)], key: (u32, u32)) -> u64 {
    counts
        .binary_search_by_key(&key, |x| x.0)
        .map_or(0, |i| counts[i].1)
}

/// Finds pods among `n` accounts from their timed engagements, best score first.
pub fn find_pods(n: usize, events: &[Engagement], config: &PodConfig) -> Vec<Pod> {
    // Directed pair counts, timed events only, no self-engagement.
    let pair = count_pairs(
        events
            .iter()
            .filter(|e| e.at.is_some() && e.src != e.dst && inflates(e.kind))
            .map(|e| (e.src.0, e.dst.0))
            .collect(),
    );
    let min = u64::from(config.min_pair_events);
    let mutual: Vec<(u32, u32)> = pair
        .iter()
        .filter(|&&((a, b), c)| a < b && c >= min && count_of(&pair, (b, a)) >= min)
        .map(|&(k, _)| k)
        .collect();
    if mutual.is_empty() {
        return Vec::new();
    }
    // Compact the accounts in mutual pairs to 0..m.
    let mut nodes: Vec<u32> = mutual.iter().flat_map(|&(a, b)| [a, b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let local = |v: u32| nodes.binary_search(&v).unwrap_or(usize::MAX) as u32;
    let edges: Vec<Edge> = mutual
        .iter()
        .map(|&(a, b)| Edge {
            src: local(a),
            dst: local(b),
            weight: 1.0,
        })
        .collect();
    let g = Csr::undirected(nodes.len(), &edges);
    let partition = leiden(
        &g,
        &LeidenConfig {
            quality: Quality::Cpm {
                resolution: config.min_density,
            },
            seed: config.seed,
            ..LeidenConfig::default()
        },
    );
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); partition.n_communities];
    for (i, &c) in partition.membership.iter().enumerate() {
        groups[c as usize].push(nodes[i]);
    }
    groups.retain(|g| g.len() >= config.min_size);
    if groups.is_empty() {
        return Vec::new();
    }
    let mut group_of = vec![u32::MAX; n];
    for (gi, g) in groups.iter().enumerate() {
        for &v in g {
            group_of[v as usize] = gi as u32;
        }
    }
    // Per group: engagement given by its members, and the timed events inside it.
    let mut given = vec![0u64; groups.len()];
    let mut inside: Vec<Vec<(u32, u32, i64)>> = vec![Vec::new(); groups.len()];
    for e in events {
        let gs = group_of[e.src.0 as usize];
        if gs == u32::MAX || e.src == e.dst || !inflates(e.kind) {
            continue;
        }
        given[gs as usize] += 1;
        if let (true, Some(at)) = (group_of[e.dst.0 as usize] == gs, e.at) {
            inside[gs as usize].push((e.dst.0, e.src.0, at.epoch_ms()));
        }
    }
    let window_ms = (config.window_minutes * 60_000.0) as i64;
    let mut pods: Vec<Pod> = groups
        .into_iter()
        .zip(inside)
        .zip(given)
        .filter_map(|((members, mut ev), given)| {
            let k = members.len() as f64;
            let pairs_in = mutual
                .iter()
                .filter(|&&(a, b)| {
                    members.binary_search(&a).is_ok() && members.binary_search(&b).is_ok()
                })
                .count() as f64;
            let density = pairs_in / (k * (k - 1.0) / 2.0);
            let directed = count_pairs(ev.iter().map(|&(dst, src, _)| (src, dst)).collect());
            let returned: u64 = directed
                .iter()
                .map(|&((s, d), c)| c.min(count_of(&directed, (d, s))))
                .sum();
            let reciprocity = returned as f64 / ev.len().max(1) as f64;
            ev.sort_unstable_by_key(|&(dst, src, at)| (dst, at, src));
            let mut fast = 0u64;
            let mut gaps = Vec::new();
            for (i, &(dst, src, at)) in ev.iter().enumerate() {
                let near = |j: usize| {
                    let (d2, s2, t2) = ev[j];
                    d2 == dst && s2 != src && (t2 - at).abs() <= window_ms
                };
                let mut is_fast = false;
                let mut j = i;
                while j > 0 && ev[j - 1].0 == dst && at - ev[j - 1].2 <= window_ms {
                    j -= 1;
                    is_fast |= near(j);
                }
                let mut j = i + 1;
                while j < ev.len() && ev[j].0 == dst && ev[j].2 - at <= window_ms {
                    is_fast |= near(j);
                    j += 1;
                }
                fast += u64::from(is_fast);
                if i > 0 && ev[i - 1].0 == dst && ev[i - 1].1 != src {
                    gaps.push((at - ev[i - 1].2) as f64 / 60_000.0);
                }
            }
            let fast_share = fast as f64 / ev.len().max(1) as f64;
            let score = (density * reciprocity * fast_share).cbrt();
            (score >= config.min_score).then(|| Pod {
                members: members.iter().map(|&v| AccountIdx(v)).collect(),
                evidence: PodEvidence {
                    density,
                    reciprocity,
                    fast_share,
                    median_gap_minutes: median(&mut gaps),
                    events: ev.len() as u64,
                    insularity: ev.len() as f64 / given.max(1) as f64,
                    score,
                },
            })
        })
        .collect();
    pods.sort_by(|a, b| {
        b.evidence
            .score
            .total_cmp(&a.evidence.score)
            .then(b.members.len().cmp(&a.members.len()))
            .then(a.members.cmp(&b.members))
    });
    pods
}

#[cfg(test)]
mod tests {
    use socialset_model::Timestamp;

    use super::*;

    fn ev(src: u32, dst: u32, minute: i64) -> Engagement {
        of_kind(src, dst, minute, InteractionKind::Share)
    }

    fn of_kind(src: u32, dst: u32, minute: i64, kind: InteractionKind) -> Engagement {
        Engagement {
            src: AccountIdx(src),
            dst: AccountIdx(dst),
            kind,
            weight: 1.0,
            at: Timestamp::from_epoch_ms(minute * 60_000),
            post: None,
        }
    }

    /// Members 0..4 swarm each other's posts within minutes; 10 and 11 talk slowly, once a day;
    /// 20..30 engage with 0 one way only.
    fn sample() -> Vec<Engagement> {
        let mut events = Vec::new();
        for round in 0..4i64 {
            for author in 0..4u32 {
                let t = round * 1440 + i64::from(author) * 60;
                for m in (0..4u32).filter(|&m| m != author) {
                    events.push(ev(m, author, t + i64::from(m) + 1));
                }
            }
        }
        for day in 0..4i64 {
            events.push(ev(10, 11, day * 1440));
            events.push(ev(11, 10, day * 1440 + 600));
        }
        for fan in 20..30 {
            events.push(ev(fan, 0, fan as i64 * 7));
        }
        events
    }

    #[test]
    fn a_swarming_group_is_found_with_its_evidence() {
        let pods = find_pods(40, &sample(), &PodConfig::default());
        assert_eq!(pods.len(), 1, "{pods:?}");
        let p = &pods[0];
        assert_eq!(p.members, (0..4).map(AccountIdx).collect::<Vec<_>>());
        assert_eq!(p.evidence.density, 1.0);
        assert_eq!(p.evidence.reciprocity, 1.0);
        assert_eq!(p.evidence.fast_share, 1.0);
        assert_eq!(p.evidence.events, 48);
        assert!(p.evidence.median_gap_minutes <= 1.0, "{p:?}");
        assert!((p.evidence.score - 1.0).abs() < 1e-12);
    }

    #[test]
    fn slow_pairs_and_one_way_fans_are_not_pods() {
        let config = PodConfig {
            min_size: 2,
            ..PodConfig::default()
        };
        let pods = find_pods(40, &sample(), &config);
        // The slow pair is mutual and dense but never fast: its score is zero.
        assert!(
            pods.iter().all(|p| !p.members.contains(&AccountIdx(10))),
            "{pods:?}"
        );
        assert!(
            pods.iter().all(|p| p.members.iter().all(|m| m.0 < 20)),
            "{pods:?}"
        );
    }

    #[test]
    fn conversation_is_not_a_pod_however_fast() {
        // A brand (50) answering four customers (51..55) within minutes, and them answering
        // back, every day; and two friends (60, 61) replying and mentioning each other at once:
        // as fast, dense and reciprocal as the pod, but talk, not inflation.
        let mut events = sample();
        for day in 0..4i64 {
            for c in 51..55u32 {
                let t = day * 1440 + i64::from(c);
                events.push(of_kind(c, 50, t, InteractionKind::Reply));
                events.push(of_kind(50, c, t + 2, InteractionKind::Reply));
                for d in (51..55u32).filter(|&d| d != c) {
                    events.push(of_kind(d, c, t + 3, InteractionKind::Mention));
                }
            }
            events.push(of_kind(60, 61, day * 1440, InteractionKind::Reply));
            events.push(of_kind(61, 60, day * 1440 + 1, InteractionKind::Mention));
        }
        let config = PodConfig {
            min_size: 2,
            ..PodConfig::default()
        };
        let pods = find_pods(70, &events, &config);
        assert_eq!(pods.len(), 1, "{pods:?}");
        assert_eq!(pods[0].members, (0..4).map(AccountIdx).collect::<Vec<_>>());
        // The same swarm in likes is a pod.
        let liked: Vec<Engagement> = sample()
            .into_iter()
            .map(|mut e| {
                e.kind = InteractionKind::Like;
                e
            })
            .collect();
        assert_eq!(find_pods(40, &liked, &PodConfig::default()).len(), 1);
    }

    #[test]
    fn the_result_does_not_depend_on_event_order() {
        let mut events = sample();
        let a = find_pods(40, &events, &PodConfig::default());
        events.reverse();
        assert_eq!(a, find_pods(40, &events, &PodConfig::default()));
    }
}

/// How to plant synthetic pods into real data, to measure how well they are found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlantConfig {
    pub pods: usize,
    pub min_size: usize,
    pub max_size: usize,
    /// Posts each member makes over the data's time span.
    pub posts_per_member: usize,
    /// Chance that a member engages with another member's post.
    pub engage_probability: f64,
    /// Mean minutes from a post to a member's engagement (exponential).
    pub mean_delay_minutes: f64,
    pub seed: u64,
}

impl Default for PlantConfig {
    fn default() -> Self {
        Self {
            pods: 30,
            min_size: 4,
            max_size: 12,
            posts_per_member: 5,
            engage_probability: 0.6,
            mean_delay_minutes: 5.0,
            seed: 7,
        }
    }
}

/// Plants pods among the accounts that act in `events`: members drawn at random (no account
/// in two pods), posts at random times within the events' span, and each other member
/// engaging with each post with the configured chance and delay (a like or a share, at
/// random: what a pod trades). Returns the events to add and the planted member lists.
pub fn plant_pods(
    events: &[Engagement],
    config: &PlantConfig,
) -> (Vec<Engagement>, Vec<Vec<AccountIdx>>) {
    use socialset_graph::SplitMix64;
    use socialset_model::Timestamp;

    let mut rng = SplitMix64::new(config.seed);
    let mut active: Vec<u32> = events.iter().flat_map(|e| [e.src.0, e.dst.0]).collect();
    active.sort_unstable();
    active.dedup();
    rng.shuffle(&mut active);
    let times: Vec<i64> = events
        .iter()
        .filter_map(|e| e.at.map(Timestamp::epoch_ms))
        .collect();
    let (Some(&first), Some(&last)) = (times.iter().min(), times.iter().max()) else {
        return (Vec::new(), Vec::new());
    };
    let span = (last - first).max(1) as f64;
    let kinds = [InteractionKind::Like, InteractionKind::Share];
    let mut next = active.into_iter();
    let mut planted = Vec::new();
    let mut added = Vec::new();
    for _ in 0..config.pods {
        let size = config.min_size + rng.below(config.max_size.saturating_sub(config.min_size) + 1);
        let members: Vec<u32> = next.by_ref().take(size).collect();
        if members.len() < size {
            break;
        }
        for &author in &members {
            for _ in 0..config.posts_per_member {
                let at = first + (rng.next_f64() * span) as i64;
                for &m in members.iter().filter(|&&m| m != author) {
                    if rng.next_f64() >= config.engage_probability {
                        continue;
                    }
                    let delay = -config.mean_delay_minutes * (1.0 - rng.next_f64()).ln();
                    added.push(Engagement {
                        src: AccountIdx(m),
                        dst: AccountIdx(author),
                        kind: kinds[rng.below(kinds.len())],
                        weight: 1.0,
                        at: Timestamp::from_epoch_ms(at + (delay * 60_000.0) as i64),
                        post: None,
                    });
                }
            }
        }
        let mut sorted: Vec<AccountIdx> = members.into_iter().map(AccountIdx).collect();
        sorted.sort_unstable();
        planted.push(sorted);
    }
    (added, planted)
}

/// How well found pods recover planted ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodRecovery {
    pub planted_pods: usize,
    pub planted_members: usize,
    pub found_pods: usize,
    pub found_members: usize,
    /// Share of the accounts in found pods that were planted.
    pub precision: f64,
    /// Share of the planted accounts that are in a found pod.
    pub recall: f64,
    /// Planted pods matched by a found pod with Jaccard similarity of at least 0.5.
    pub pods_recovered: usize,
}

/// Scores found pods against planted ones, member by member.
pub fn pod_recovery(found: &[Pod], planted: &[Vec<AccountIdx>]) -> PodRecovery {
    let mut truth: Vec<AccountIdx> = planted.iter().flatten().copied().collect();
    truth.sort_unstable();
    let mut got: Vec<AccountIdx> = found
        .iter()
        .flat_map(|p| p.members.iter().copied())
        .collect();
    got.sort_unstable();
    got.dedup();
    let hits = got
        .iter()
        .filter(|m| truth.binary_search(m).is_ok())
        .count();
    let jaccard = |a: &[AccountIdx], b: &[AccountIdx]| {
        let inter = a.iter().filter(|m| b.contains(m)).count();
        inter as f64 / (a.len() + b.len() - inter).max(1) as f64
    };
    let pods_recovered = planted
        .iter()
        .filter(|p| found.iter().any(|f| jaccard(p, &f.members) >= 0.5))
        .count();
    PodRecovery {
        planted_pods: planted.len(),
        planted_members: truth.len(),
        found_pods: found.len(),
        found_members: got.len(),
        precision: if got.is_empty() {
            0.0
        } else {
            hits as f64 / got.len() as f64
        },
        recall: if truth.is_empty() {
            0.0
        } else {
            hits as f64 / truth.len() as f64
        },
        pods_recovered,
    }
}
