//! Near-duplicate texts grouped by MinHash (Broder 1997) with locality-sensitive hashing:
//! each text becomes the set of its word 3-grams (lower case, links and mentions dropped),
//! summarised by 64 minimum hashes; texts whose signatures agree in all 4 rows of any of 16
//! bands are compared, and joined when their estimated Jaccard similarity reaches the
//! threshold. The same question asked a hundred times becomes one group.

use std::collections::HashMap;

use crate::sentiment::is_link;
use socialset_graph::SplitMix64;

const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// Near-duplicate grouping settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NearDuplicateConfig {
    /// Estimated Jaccard similarity of word 3-grams at which two texts are one.
    pub threshold: f64,
}

impl Default for NearDuplicateConfig {
    fn default() -> Self {
        Self { threshold: 0.6 }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The word 3-grams of a text (its whole normalised text when shorter), as hashes.
fn shingles(text: &str) -> Vec<u64> {
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| !w.starts_with('@') && !is_link(w))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '#')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty() && w != "rt")
        .collect();
    if words.len() < 3 {
        let joined = words.join(" ");
        return if joined.is_empty() {
            Vec::new()
        } else {
            vec![fnv(joined.as_bytes())]
        };
    }
    let mut out: Vec<u64> = words
        .windows(3)
        .map(|w| fnv(w.join(" ").as_bytes()))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn signature(shingles: &[u64], salts: &[u64; HASHES]) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for &s in shingles {
        for (slot, &salt) in sig.iter_mut().zip(salts) {
            let mut m = SplitMix64::new(s ^ salt);
            let h = m.next_u64();
            if h < *slot {
                *slot = h;
            }
        }
    }
    sig
}

/// Groups of near-duplicate texts: `group[i]` is the group of text i, numbered by first
/// member; texts without words are groups of their own.
pub fn near_duplicate_groups(texts: &[&str], config: &NearDuplicateConfig) -> Vec<usize> {
    let mut rng = SplitMix64::new(0x5eed_d00d);
    let mut salts = [0u64; HASHES];
    for s in &mut salts {
        *s = rng.next_u64();
    }
    let sigs: Vec<Option<[u64; HASHES]>> = texts
        .iter()
        .map(|t| {
            let sh = shingles(t);
            (!sh.is_empty()).then(|| signature(&sh, &salts))
        })
        .collect();
    let mut parent: Vec<usize> = (0..texts.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for band in 0..BANDS {
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, sig) in sigs.iter().enumerate() {
            if let Some(sig) = sig {
                let key = fnv(&sig[band * ROWS..(band + 1) * ROWS]
                    .iter()
                    .flat_map(|x| x.to_le_bytes())
                    .collect::<Vec<u8>>());
                buckets.entry(key).or_default().push(i);
            }
        }
        let mut keys: Vec<u64> = buckets.keys().copied().collect();
        keys.sort_unstable();
        for k in keys {
            let members = &buckets[&k];
            let first = members[0];
            for &j in &members[1..] {
                let (Some(a), Some(b)) = (&sigs[first], &sigs[j]) else {
                    continue;
                };
                let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
                if same as f64 / HASHES as f64 >= config.threshold {
                    let (ra, rb) = (root(&mut parent, first), root(&mut parent, j));
                    if ra != rb {
                        parent[ra.max(rb)] = ra.min(rb);
                    }
                }
            }
        }
    }
    (0..texts.len()).map(|i| root(&mut parent, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_question_asked_many_ways_is_one_group() {
        let texts = [
            "Qualcuno sa a che ora apre il negozio di via Roma?",
            "@anna qualcuno sa a che ora apre il negozio di via Roma??",
            "RT @bob: Qualcuno sa a che ora apre il negozio di via Roma? http://t.co/x",
            "Il treno per Milano parte alle otto dal binario tre",
            "",
            "Qualcuno sa a che ora chiude il negozio di via Roma stasera?",
        ];
        let g = near_duplicate_groups(&texts, &NearDuplicateConfig::default());
        assert_eq!(g[0], 0);
        assert_eq!(g[1], 0);
        assert_eq!(g[2], 0);
        assert_eq!(g[3], 3);
        assert_eq!(g[4], 4, "an empty text is alone");
        assert_ne!(g[5], 0, "a different question is not the same one");
    }

    #[test]
    fn deterministic_and_total() {
        let texts: Vec<String> = (0..200)
            .map(|i| format!("post number {} about {}", i % 7, i % 3))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let a = near_duplicate_groups(&refs, &NearDuplicateConfig::default());
        let b = near_duplicate_groups(&refs, &NearDuplicateConfig::default());
        assert_eq!(a, b);
        assert_eq!(a.len(), 200);
        // Identical texts always share a group.
        assert_eq!(a[0], a[21]);
    }
}
