//! The Twitter15 / Twitter16 rumour layout (Ma, Gao, Wong 2017, "Detect rumors in microblog
//! posts using propagation structure via kernel learning"; the RvNN papers' data): a folder
//! with `label.txt` (`LABEL:TWEET_ID`: non-rumor, true, false, unverified), `source_tweets.txt`
//! (`TWEET_ID<TAB>text`) and `tree/TWEET_ID.txt`, one propagation edge per line,
//! `['uid', 'tweet_id', 'delay']->['uid', 'tweet_id', 'delay']` (delay in minutes after the
//! source; the first edge's parent is `['ROOT', 'ROOT', '0.0']`). Read into labelled trees;
//! the engine writes them as canonical records for `eval veracity`.

use std::collections::HashMap;
use std::path::Path;

use crate::RecordError;

type Result<T> = std::result::Result<T, RecordError>;

/// One labelled source tweet and its propagation tree.
#[derive(Clone, Debug, PartialEq)]
pub struct RumourTree {
    /// The source tweet's id.
    pub id: String,
    /// Lower-cased: non-rumor, true, false, unverified.
    pub label: String,
    pub text: String,
    /// The source tweet's account.
    pub root_user: String,
    /// Every other node, parents before children.
    pub shares: Vec<TreeShare>,
}

/// A node of a propagation tree other than the source.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeShare {
    pub user: String,
    /// 0: the source; n: the n-th share of `shares` (1-based).
    pub parent: usize,
    /// Minutes after the source.
    pub delay_minutes: f64,
}

/// A Twitter15/16 folder as read.
#[derive(Clone, Debug, PartialEq)]
pub struct RumourSet {
    /// The labelled trees, in the label file's order.
    pub trees: Vec<RumourTree>,
    /// Labelled tweets left out for lacking their text or their tree file: (tweet id, label).
    pub without_tree: Vec<(String, String)>,
}

/// Whether `dir` is in the Twitter15/16 layout.
pub fn is_twitter1516(dir: &Path) -> bool {
    dir.join("label.txt").is_file()
        && dir.join("source_tweets.txt").is_file()
        && dir.join("tree").is_dir()
}

/// The labelled trees of a Twitter15/16 folder. Errors name file, line and field.
pub fn read_twitter1516(dir: &Path) -> Result<RumourSet> {
    let labels = read_labels(&dir.join("label.txt"))?;
    let texts = read_sources(&dir.join("source_tweets.txt"))?;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (label, id) in labels {
        let path = dir.join("tree").join(format!("{id}.txt"));
        let (Some(text), true) = (texts.get(id.as_str()), path.is_file()) else {
            missing.push((id, label));
            continue;
        };
        let (root_user, shares) = read_tree(&path, &id)?;
        out.push(RumourTree {
            text: text.clone(),
            id,
            label,
            root_user,
            shares,
        });
    }
    Ok(RumourSet {
        trees: out,
        without_tree: missing,
    })
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        RecordError::fatal(&path.display().to_string(), 0, format!("cannot read: {e}"))
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `label.txt`: (label, tweet id) per line, labels lower-cased.
fn read_labels(path: &Path) -> Result<Vec<(String, String)>> {
    let shown = path.display().to_string();
    let mut out = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (i, line) in read(path)?.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |what: &str| RecordError::new(&shown, i as u64 + 1, what.to_owned()).value(line);
        let (label, id) = line
            .split_once(':')
            .ok_or_else(|| bad("is not LABEL:TWEET_ID"))?;
        let id = id.trim();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("has a tweet id that is not a number"));
        }
        // A tweet labelled twice would count as two claims.
        if let Some(first) = first_line.insert(id.to_owned(), i + 1) {
            return Err(bad(&format!(
                "labels tweet {id} again (first on line {first})"
            )));
        }
        out.push((label.trim().to_lowercase(), id.to_owned()));
    }
    if out.is_empty() {
        return Err(RecordError::new(&shown, 0, "holds no labelled tweet"));
    }
    Ok(out)
}

/// `source_tweets.txt`: tweet id → text.
fn read_sources(path: &Path) -> Result<HashMap<String, String>> {
    let shown = path.display().to_string();
    let mut out = HashMap::new();
    for (i, line) in read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (id, text) = line.split_once('\t').ok_or_else(|| {
            RecordError::new(&shown, i as u64 + 1, "is not TWEET_ID<TAB>text").value(line)
        })?;
        out.insert(id.trim().to_owned(), text.trim().to_owned());
    }
    Ok(out)
}

/// One `['uid', 'tweet_id', 'delay']` triple.
fn triple(text: &str) -> Option<(String, String, String)> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut parts = inner
        .split(',')
        .map(|p| p.trim().trim_matches('\'').trim_matches('"').to_owned());
    let t = (parts.next()?, parts.next()?, parts.next()?);
    parts.next().is_none().then_some(t)
}

/// A tree file: its edges in order; a node is known by its whole triple. An edge whose parent
/// is not yet known hangs from the source (the layout's trees are written parents first; a
/// few are not), a node met again keeps its first parent.
fn read_tree(path: &Path, source: &str) -> Result<(String, Vec<TreeShare>)> {
    let shown = path.display().to_string();
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    let mut root_user = String::new();
    let mut shares: Vec<TreeShare> = Vec::new();
    for (i, line) in read(path)?.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |field: &str, what: &str| {
            RecordError::new(&shown, i as u64 + 1, what.to_owned())
                .field(field)
                .value(line)
        };
        let (from, to) = line.split_once("->").ok_or_else(|| {
            bad(
                "edge",
                "is not ['uid', 'tweet', 'delay']->['uid', 'tweet', 'delay']",
            )
        })?;
        let parent =
            triple(from).ok_or_else(|| bad("parent", "is not ['uid', 'tweet', 'delay']"))?;
        let child = triple(to).ok_or_else(|| bad("child", "is not ['uid', 'tweet', 'delay']"))?;
        let delay: f64 = child
            .2
            .parse()
            .ok()
            .filter(|d: &f64| d.is_finite() && *d >= 0.0)
            .ok_or_else(|| bad("delay", "must be a number of minutes of at least 0"))?;
        if parent.0 == "ROOT" {
            // The source itself.
            if root_user.is_empty() {
                root_user = child.0.clone();
                index.insert(child, 0);
            }
            continue;
        }
        if root_user.is_empty() && parent.1 == source {
            root_user = parent.0.clone();
            index.insert(parent.clone(), 0);
        }
        if index.contains_key(&child) {
            continue;
        }
        let p = index.get(&parent).copied().unwrap_or(0);
        shares.push(TreeShare {
            user: child.0.clone(),
            parent: p,
            delay_minutes: delay,
        });
        index.insert(child, shares.len());
    }
    if root_user.is_empty() {
        return Err(RecordError::new(
            &shown,
            0,
            format!("names no source tweet {source} (no ['ROOT', 'ROOT', '0.0'] edge)"),
        ));
    }
    Ok((root_user, shares))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(lines: &str) -> Result<(String, Vec<TreeShare>)> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("9.txt");
        std::fs::write(&path, lines).expect("write");
        read_tree(&path, "9")
    }

    #[test]
    fn shares_of_shares_keep_their_parents_and_delays() {
        let (root, shares) = tree(
            "['ROOT', 'ROOT', '0.0']->['1', '9', '0.0']\n\
             ['1', '9', '0.0']->['2', '9', '1.5']\n\
             ['2', '9', '1.5']->['3', '9', '4.0']\n\
             ['1', '9', '0.0']->['3', '9', '4.0']\n\
             ['7', '9', '30.0']->['8', '9', '31.0']\n",
        )
        .expect("reads");
        assert_eq!(root, "1");
        let got: Vec<(&str, usize, f64)> = shares
            .iter()
            .map(|s| (s.user.as_str(), s.parent, s.delay_minutes))
            .collect();
        // 3 keeps its first parent (2, the first share); 8's parent is unknown: the source.
        assert_eq!(got, vec![("2", 0, 1.5), ("3", 1, 4.0), ("8", 0, 31.0)]);
    }

    #[test]
    fn a_tree_without_its_root_edge_starts_at_the_source_tweet() {
        let (root, shares) = tree("['5', '9', '0.0']->['6', '9', '2.0']\n").expect("reads");
        assert_eq!((root.as_str(), shares.len()), ("5", 1));
        let err = tree("['5', '8', '0.0']->['6', '8', '2.0']\n").expect_err("no source");
        assert!(err.to_string().contains("names no source tweet 9"), "{err}");
        let err = tree("['ROOT', 'ROOT', '0.0']->['1', '9']\n").expect_err("two fields");
        assert!(err.to_string().contains("\"child\""), "{err}");
    }

    #[test]
    fn a_tweet_labelled_twice_is_refused_with_both_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("label.txt");
        std::fs::write(&path, "true:9\nfalse:8\n\nfalse:9\n").expect("write");
        let err = read_labels(&path).expect_err("twice").to_string();
        assert!(
            err.contains("label.txt:4") && err.contains("first on line 1"),
            "{err}"
        );
    }
}
