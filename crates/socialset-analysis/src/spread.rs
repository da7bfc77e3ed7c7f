//! How something spread: the cascades of posts that carry it, rebuilt from replies, quotes
//! and shares (a post's parent), with their size, depth, breadth, structural virality (Goel,
//! Anderson, Hofman and Watts 2016: the mean distance between two posts of a cascade's tree)
//! and speed (the time the spread took to reach 10, 100 and 1,000 accounts).
//!
//! A cascade is rooted at a post that carries the claim and has no parent among the posts
//! reached (an orphan whose parent is unknown is a root too); every post whose parent is in
//! a cascade joins it. Bad data cannot loop: each post is reached once.

use socialset_model::Timestamp;

/// A post as the spread sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpreadPost {
    pub author: u32,
    pub at: Option<Timestamp>,
    /// The post it replies to, quotes or shares, when that post is known.
    pub parent: Option<u32>,
}

/// Each post's children (replies, quotes and shares of it), built once for many claims.
#[derive(Debug)]
pub struct Children {
    offsets: Vec<u32>,
    children: Vec<u32>,
}

impl Children {
    pub fn new(posts: &[SpreadPost]) -> Self {
        let n = posts.len();
        let mut offsets = vec![0u32; n + 1];
        for p in posts {
            if let Some(q) = p.parent.filter(|&q| (q as usize) < n) {
                offsets[q as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut children = vec![0u32; offsets[n] as usize];
        for (i, p) in posts.iter().enumerate() {
            if let Some(q) = p.parent.filter(|&q| (q as usize) < n) {
                children[next[q as usize] as usize] = i as u32;
                next[q as usize] += 1;
            }
        }
        Self { offsets, children }
    }

    /// The replies, quotes and shares of `post`.
    pub fn of(&self, post: u32) -> &[u32] {
        let (a, b) = (
            self.offsets[post as usize] as usize,
            self.offsets[post as usize + 1] as usize,
        );
        &self.children[a..b]
    }
}

/// Milestones of speed: the spread's time to reach this many distinct accounts.
pub const MILESTONES: [usize; 3] = [10, 100, 1000];

/// How a claim spread.
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    /// Posts in its cascades (those carrying it and every reply, quote and share below them).
    pub posts: usize,
    /// Distinct accounts that posted in them.
    pub accounts: usize,
    /// Cascades (trees), and the posts of the largest.
    pub cascades: usize,
    pub largest: usize,
    /// The longest chain from a root, in steps (0: nobody replied or shared).
    pub depth: usize,
    /// The most posts at one depth of one cascade.
    pub max_breadth: usize,
    /// Structural virality of the largest cascade: the mean distance between two of its posts
    /// (0 for a single post; 2 − 2/n for a star of n posts; about (n + 1)/3 for a chain).
    pub structural_virality: f64,
    /// The first and last time of a timed post in the cascades.
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// Milliseconds from the first post to the one that brought the 10th, 100th and 1,000th
    /// account (`None` when it never got that far, or posts have no time).
    pub time_to: [Option<i64>; 3],
    /// The posts reached, in the order they were reached, each with its depth.
    pub reached: Vec<(u32, u32)>,
}

/// The spread from `seeds` (the posts that carry a claim) through `children`.
pub fn spread(posts: &[SpreadPost], children: &Children, seeds: &[u32]) -> Spread {
    let n = posts.len();
    // A set, not a flag per post: a store of millions of posts has thousands of claims.
    let mut seen: rustc_hash::FxHashSet<u32> = Default::default();
    let mut seeds: Vec<u32> = seeds
        .iter()
        .copied()
        .filter(|&s| (s as usize) < n)
        .collect();
    seeds.sort_unstable();
    seeds.dedup();
    // A seed below another seed is part of that one's cascade, not a root of its own: walk
    // each seed's ancestors, and root the cascade at the highest one that carries the claim.
    let is_seed = |p: u32| seeds.binary_search(&p).is_ok();
    let mut roots = Vec::new();
    for &s in &seeds {
        let mut top = s;
        let mut cur = s;
        let mut steps = 0;
        while let Some(q) = posts[cur as usize].parent.filter(|&q| (q as usize) < n) {
            steps += 1;
            if steps > n {
                break; // a loop in bad data
            }
            if is_seed(q) {
                top = q;
            }
            cur = q;
        }
        roots.push(top);
    }
    roots.sort_unstable();
    roots.dedup();
    let mut reached: Vec<(u32, u32)> = Vec::new();
    let mut cascades = Vec::new(); // (start, end) in `reached`
    for &r in &roots {
        if !seen.insert(r) {
            continue;
        }
        let start = reached.len();
        reached.push((r, 0));
        let mut i = start;
        while i < reached.len() {
            let (p, d) = reached[i];
            for &c in children.of(p) {
                if seen.insert(c) {
                    reached.push((c, d + 1));
                }
            }
            i += 1;
        }
        cascades.push((start, reached.len()));
    }
    let depth = reached.iter().map(|&(_, d)| d as usize).max().unwrap_or(0);
    let mut max_breadth = 0;
    let mut largest = (0, 0);
    for &(a, b) in &cascades {
        // Breadth-first: each depth is a run.
        let mut run = 0;
        let mut at = u32::MAX;
        for &(_, d) in &reached[a..b] {
            if d == at {
                run += 1;
            } else {
                at = d;
                run = 1;
            }
            max_breadth = max_breadth.max(run);
        }
        if b - a > largest.1 - largest.0 {
            largest = (a, b);
        }
    }
    let structural_virality = virality(posts, &reached[largest.0..largest.1]);
    let mut authors: Vec<u32> = reached
        .iter()
        .map(|&(p, _)| posts[p as usize].author)
        .collect();
    authors.sort_unstable();
    authors.dedup();
    let mut timed: Vec<(Timestamp, u32)> = reached
        .iter()
        .filter_map(|&(p, _)| posts[p as usize].at.map(|t| (t, posts[p as usize].author)))
        .collect();
    timed.sort_unstable();
    let first = timed.first().map(|t| t.0);
    let last = timed.last().map(|t| t.0);
    let mut time_to = [None; 3];
    if let Some(t0) = first {
        let mut met: rustc_hash::FxHashSet<u32> = Default::default();
        for &(t, a) in &timed {
            if met.insert(a) {
                for (k, m) in MILESTONES.iter().enumerate() {
                    if met.len() == *m {
                        time_to[k] = Some(t.epoch_ms() - t0.epoch_ms());
                    }
                }
            }
        }
    }
    Spread {
        posts: reached.len(),
        accounts: authors.len(),
        cascades: cascades.len(),
        largest: largest.1 - largest.0,
        depth,
        max_breadth,
        structural_virality,
        first,
        last,
        time_to,
        reached,
    }
}

/// The mean distance between two posts of one tree given breadth-first (root first, each
/// post after its parent): the Wiener index, the sum over edges of the posts on either side
/// (s·(n − s)), over the number of pairs.
fn virality(posts: &[SpreadPost], tree: &[(u32, u32)]) -> f64 {
    let n = tree.len();
    if n < 2 {
        return 0.0;
    }
    let position: rustc_hash::FxHashMap<u32, usize> =
        tree.iter().enumerate().map(|(i, &(p, _))| (p, i)).collect();
    let mut size = vec![1u64; n];
    let mut wiener = 0u64;
    for i in (1..n).rev() {
        let p = tree[i].0;
        let parent = posts[p as usize]
            .parent
            .and_then(|q| position.get(&q).copied())
            .unwrap_or(0);
        wiener += size[i] * (n as u64 - size[i]);
        size[parent] += size[i];
    }
    2.0 * wiener as f64 / (n as f64 * (n as f64 - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(author: u32, parent: Option<u32>, at: i64) -> SpreadPost {
        SpreadPost {
            author,
            at: Timestamp::from_epoch_ms(at),
            parent,
        }
    }

    fn run(posts: &[SpreadPost], seeds: &[u32]) -> Spread {
        spread(posts, &Children::new(posts), seeds)
    }

    #[test]
    fn a_star_and_a_chain_have_the_virality_worked_by_hand() {
        // A star of 5: the root and 4 replies to it. Pairs: 4 at distance 1, 6 at 2 → mean
        // (4 + 12) / 10 = 1.6 = 2 − 2/5.
        let star: Vec<SpreadPost> = std::iter::once(post(0, None, 0))
            .chain((1..5).map(|i| post(i, Some(0), i as i64)))
            .collect();
        let s = run(&star, &[0]);
        assert!((s.structural_virality - 1.6).abs() < 1e-12);
        assert_eq!((s.posts, s.depth, s.max_breadth, s.cascades), (5, 1, 4, 1));
        // A chain of 4: distances 1,1,1,2,2,3 → 10 / 6 = 5/3 = (n + 1)/3.
        let chain: Vec<SpreadPost> = (0..4)
            .map(|i| post(i, i.checked_sub(1), i64::from(i)))
            .collect();
        let c = run(&chain, &[0]);
        assert!((c.structural_virality - 5.0 / 3.0).abs() < 1e-12);
        assert_eq!((c.depth, c.max_breadth), (3, 1));
        // A tree worked by hand: 0 ← 1, 0 ← 2, 1 ← 3, 1 ← 4. Edges split the 5 posts as
        // 1|4 (0-2), 3|2 (0-1), 1|4 (1-3), 1|4 (1-4): W = 4 + 6 + 4 + 4 = 18, mean 36/20 = 1.8.
        let tree = vec![
            post(0, None, 0),
            post(1, Some(0), 1),
            post(2, Some(0), 2),
            post(3, Some(1), 3),
            post(4, Some(1), 4),
        ];
        assert!((run(&tree, &[0]).structural_virality - 1.8).abs() < 1e-12);
    }

    #[test]
    fn seeds_below_seeds_orphans_loops_and_shares_of_shares() {
        // 0 is the claim; 1 shares 0; 2 shares 1 (a share of a share); 3 also carries the
        // claim but replies to 2: it is in 0's cascade, not a root. 4 carries it with a parent
        // the data does not hold (an orphan): a second cascade. 5 and 6 point at each other.
        let posts = vec![
            post(0, None, 0),
            post(1, Some(0), 1000),
            post(2, Some(1), 2000),
            post(3, Some(2), 3000),
            post(4, Some(99), 4000),
            post(5, Some(6), 5000),
            post(6, Some(5), 6000),
        ];
        let s = run(&posts, &[0, 3, 4]);
        assert_eq!((s.posts, s.cascades, s.largest, s.depth), (5, 2, 4, 3));
        assert_eq!(s.accounts, 5);
        // The loop, seeded, is reached once each and ends.
        let l = run(&posts, &[5]);
        assert_eq!(l.posts, 2);
    }

    #[test]
    fn a_difference_of_means_has_an_interval_around_it() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [3.0, 4.0, 5.0, 6.0];
        let (d, lo, hi) = mean_difference(&a, &b, 2000, 7).expect("both");
        assert!((d - 2.0).abs() < 1e-12);
        assert!(lo < d && d < hi && lo > 0.0, "{lo} {hi}");
        assert_eq!(mean_difference(&a, &[], 10, 7), None);
    }

    #[test]
    fn speed_counts_distinct_accounts() {
        // 12 posts by 11 accounts, a second apart: the 10th account arrives at 10 s (post 10:
        // author 0 posting again at post 5 does not count).
        let posts: Vec<SpreadPost> = (0..12u32)
            .map(|i| {
                let author = if i == 5 { 0 } else { i };
                post(
                    author,
                    if i == 0 { None } else { Some(0) },
                    i64::from(i) * 1000,
                )
            })
            .collect();
        let s = run(&posts, &[0]);
        assert_eq!(s.accounts, 11);
        assert_eq!(s.time_to, [Some(10_000), None, None]);
    }
}

/// The difference of two means, `b − a`, with a 95% percentile-bootstrap interval (both
/// samples resampled, `resamples` times, from `seed`); `None` when either is empty.
pub fn mean_difference(
    a: &[f64],
    b: &[f64],
    resamples: usize,
    seed: u64,
) -> Option<(f64, f64, f64)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let diff = mean(b) - mean(a);
    let mut rng = socialset_graph::SplitMix64::new(seed);
    let mut draw = |x: &[f64]| {
        let mut sum = 0.0;
        for _ in 0..x.len() {
            sum += x[rng.below(x.len())];
        }
        sum / x.len() as f64
    };
    let mut diffs: Vec<f64> = (0..resamples.max(1)).map(|_| draw(b) - draw(a)).collect();
    diffs.sort_by(f64::total_cmp);
    let at = |q: f64| diffs[((q * (diffs.len() - 1) as f64).round() as usize).min(diffs.len() - 1)];
    Some((diff, at(0.025), at(0.975)))
}

/// A link as a claim: its key (host without `www.`, path without a trailing `/`, query without
/// tracking parameters; http and https alike, fragment dropped) and its domain. `None` for
/// what is no web link. Short links (t.co, bit.ly) are keys of their own: socialset does not
/// follow them.
pub fn link_key(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let rest = url
        .split_once("://")
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        })
        .map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or_default();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    let host = host.rsplit('@').next().unwrap_or_default().to_lowercase();
    let host = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(&host);
    let host = host.strip_prefix("www.").unwrap_or(host).to_owned();
    let valid = host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !valid {
        return None;
    }
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let path = path.trim_end_matches('/');
    let tracking = |k: &str| {
        let k = k.to_ascii_lowercase();
        k.starts_with("utm_")
            || [
                "fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "ref_src", "ref_url", "cmp", "s",
                "si", "smid", "ocid", "_ga",
            ]
            .contains(&k.as_str())
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !tracking(kv.split('=').next().unwrap_or_default()))
        .collect();
    let mut key = format!("{host}{path}");
    if !kept.is_empty() {
        key.push('?');
        key.push_str(&kept.join("&"));
    }
    Some((key, host))
}

#[cfg(test)]
mod link_tests {
    use super::link_key;

    #[test]
    fn links_are_one_claim_whatever_their_tracking() {
        let k = |u: &str| link_key(u).map(|(k, _)| k);
        let same = "cbc.ca/news/x";
        for u in [
            "https://www.cbc.ca/news/x?cmp=rss&utm_source=twitterfeed&utm_medium=twitter",
            "http://cbc.ca/news/x/",
            "HTTPS://WWW.CBC.CA/news/x#top",
            "https://www.cbc.ca:443/news/x?s=09",
        ] {
            assert_eq!(k(u).as_deref(), Some(same), "{u}");
        }
        // A query that names the page stays; case in the path stays.
        assert_eq!(
            k("https://youtube.com/watch?v=AbC&feature=share&utm_campaign=x").as_deref(),
            Some("youtube.com/watch?v=AbC&feature=share")
        );
        assert_eq!(
            link_key("https://t.co/abc").map(|(_, d)| d).as_deref(),
            Some("t.co")
        );
        for bad in ["", "not a link", "mailto:x@y", "https:///path", "ftp://x"] {
            assert_eq!(k(bad), None, "{bad}");
        }
    }
}
