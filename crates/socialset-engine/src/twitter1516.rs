//! The Twitter15 / Twitter16 rumour layout (Ma, Gao, Wong 2017, "Detect rumors in microblog
//! posts using propagation structure via kernel learning"; the RvNN papers' data): a folder
//! with `label.txt` (`LABEL:TWEET_ID`: non-rumor, true, false, unverified), `source_tweets.txt`
//! (`TWEET_ID<TAB>text`) and `tree/TWEET_ID.txt`, one propagation edge per line,
//! `['uid', 'tweet_id', 'delay']->['uid', 'tweet_id', 'delay']` (delay in minutes after the
//! source; the first edge's parent is `['ROOT', 'ROOT', '0.0']`). `eval veracity` reads such a
//! folder as canonical records and its labels, so that credibility generalises to the
//! four-class rumour sets it was not built on. The folder is read by
//! `socialset_ingest::read_twitter1516`; this module writes it as canonical records.

use std::io::Write as _;
use std::path::Path;

use socialset_analysis::splitmix;

use crate::{Error, Result};

/// One day: the trees have no absolute time, so each is placed on a day of its own.
const DAY_SECONDS: i64 = 86_400;
/// 2015-01-01T00:00:00Z, the first day a tree is placed on (an arbitrary origin: only the
/// delays inside a tree and the order of the trees mean anything).
const ORIGIN_SECONDS: i64 = 1_420_070_400;

/// Writes a Twitter15/16 folder as socialset's canonical JSON Lines at `out` and returns the
/// labels, as (source post id, label) pairs for `eval_veracity`. Each source tweet is a post
/// by the account of its tree's root (`t1516:user/UID`) with its text; every other node of the
/// tree a share of its parent's post by its account, at the source's time plus its delay. The
/// layout gives no absolute times: the trees are placed one per day from 2015-01-01 in a
/// seeded shuffle (the label file's order is the data set's, which may group the classes), so
/// that "earlier claims" — the spreaders' history — is a random half-order, as in the
/// FakeNewsNet adapter. A labelled tweet without its text or its tree has no post but keeps
/// its label, so that the evaluation counts it as labelled and not found.
pub(crate) fn twitter1516_jsonl(dir: &Path, out: &Path) -> Result<Vec<(String, String)>> {
    let socialset_ingest::RumourSet {
        trees,
        without_tree,
    } = socialset_ingest::read_twitter1516(dir).map_err(Error::BadInput)?;
    let mut order: Vec<usize> = (0..trees.len()).collect();
    order.sort_by_key(|&i| splitmix(i as u64 ^ 0x7516));
    let io = |e: std::io::Error| Error::Usage(format!("{}: {e}", out.display()));
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
    for (day, &i) in order.iter().enumerate() {
        let tree = &trees[i];
        let at = ORIGIN_SECONDS + day as i64 * DAY_SECONDS;
        let post = format!("t1516:{}", tree.id);
        let root = serde_json::json!({
            "type": "post", "id": post, "author": format!("t1516:user/{}", tree.root_user),
            "text": tree.text, "at": at,
        });
        writeln!(w, "{root}").map_err(io)?;
        for (n, node) in tree.shares.iter().enumerate() {
            let parent = match node.parent {
                0 => post.clone(),
                p => format!("{post}/{p}"),
            };
            let share = serde_json::json!({
                "type": "post", "id": format!("{post}/{}", n + 1),
                "author": format!("t1516:user/{}", node.user),
                "share_of": parent, "at": at + (node.delay_minutes * 60.0).round() as i64,
            });
            writeln!(w, "{share}").map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    let mut labels: Vec<(String, String)> = trees
        .into_iter()
        .map(|t| (t.id, t.label))
        .chain(without_tree)
        .collect();
    labels.sort();
    Ok(labels)
}
