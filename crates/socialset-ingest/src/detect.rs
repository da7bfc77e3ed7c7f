//! `--format auto`: choose the format from the file's extension and its first lines, and say why.

use std::path::Path;

use crate::error::RecordError;
use crate::{source, Format};

/// The format chosen for a file, and the reason, to tell the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    pub format: Format,
    pub reason: String,
}

/// How much of the (decompressed) file detection looks at.
const PEEK_BYTES: usize = 64 * 1024;

/// The record types of socialset's JSON Lines.
const JSONL_TYPES: [&str; 6] = [
    "account",
    "follow",
    "post",
    "interaction",
    "rating",
    "conversion",
];

/// Chooses the format of `path` from its extension and first lines.
pub fn detect_format(path: &Path, display: &str) -> Result<Detection, RecordError> {
    let head = source::peek(path, PEEK_BYTES)
        .map_err(|e| RecordError::fatal(display, 0, format!("cannot read the file: {e}")))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    // Columnar files are told by their magic bytes, which no text format starts with.
    if head.starts_with(b"PAR1") {
        return Ok(Detection {
            format: Format::Parquet,
            reason: "its first bytes, PAR1".into(),
        });
    }
    if head.starts_with(b"ARROW1") {
        return Ok(Detection {
            format: Format::Arrow,
            reason: "its first bytes, ARROW1".into(),
        });
    }
    let text = String::from_utf8_lossy(&head);
    detect_from(ext, &text).ok_or_else(|| {
        RecordError::fatal(
            display,
            0,
            "cannot tell the format from the extension or the first lines; pass --format with one of jsonl, snap, ratings-csv, higgs, activitypub, twitter-v1, twitter-v2, reddit, youtube, instagram, bluesky, parquet, arrow",
        )
    })
}

fn detect_from(ext: &str, text: &str) -> Option<Detection> {
    let found = |format: Format, reason: String| Some(Detection { format, reason });
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('%'))?;
    if first.starts_with('{') || first.starts_with('[') {
        if text.contains("\"@context\"") || text.contains("https://www.w3.org/ns/activitystreams") {
            return found(
                Format::ActivityPub,
                "JSON with an ActivityStreams @context".into(),
            );
        }
        if let Some(t) = json_type_of(first) {
            if JSONL_TYPES.contains(&t.as_str()) {
                return found(
                    Format::Jsonl,
                    format!("one JSON object per line, first with \"type\": \"{t}\""),
                );
            }
        }
        if [
            "\"__twarc\"",
            "\"author_id\"",
            "\"public_metrics\"",
            "\"edit_history_tweet_ids\"",
        ]
        .iter()
        .any(|k| text.contains(k))
            || (text.contains("\"action\"") && text.contains("\"reason\""))
        {
            return found(
                Format::TwitterV2,
                "author_id, public_metrics or twarc's metadata".into(),
            );
        }
        if text.contains("\"time_us\"") && text.contains("\"did\"") {
            return found(Format::Bluesky, "Jetstream events (did, time_us)".into());
        }
        if text.contains("\"at://did:") || text.contains("\"app.bsky.") {
            return found(
                Format::Bluesky,
                "Bluesky AppView answers (at:// URIs, app.bsky records)".into(),
            );
        }
        if let Some(i) = text.find("\"youtube#") {
            let kind: String = text[i + 1..]
                .chars()
                .take_while(|c| *c != '"')
                .take(60)
                .collect();
            return found(
                Format::YouTube,
                format!("YouTube Data API resources (\"kind\": \"{kind}\")"),
            );
        }
        if let Some(kind) = reddit_kind(text) {
            return found(
                Format::Reddit,
                format!("Reddit things (\"kind\": \"{kind}\")"),
            );
        }
        if let Some(why) = instagram_sign(text) {
            return found(Format::Instagram, why.into());
        }
        if text.contains("\"id_str\"") && text.contains("\"screen_name\"") {
            return found(Format::TwitterV1, "id_str and screen_name".into());
        }
        if is_reply_tree(text) {
            return found(
                Format::TwitterV1,
                "a reply tree of tweet ids (PHEME's structure.json)".into(),
            );
        }
        if matches!(ext, "jsonl" | "ndjson") {
            return found(Format::Jsonl, format!("the .{ext} extension"));
        }
        return None;
    }
    let tokens: Vec<&str> = first.split_whitespace().collect();
    if tokens.len() == 4 && matches!(tokens[3], "RT" | "MT" | "RE") {
        return found(
            Format::Higgs,
            format!("lines of 4 fields ending in RT/MT/RE (\"{first}\")"),
        );
    }
    let commas: Vec<&str> = first.split(',').collect();
    if ext == "csv" || (commas.len() >= 3 && commas.len() <= 4) {
        return found(
            Format::RatingsCsv,
            if ext == "csv" {
                "the .csv extension".into()
            } else {
                format!("comma-separated lines of {} fields", commas.len())
            },
        );
    }
    // Weight and time, when there, are numbers.
    if (2..=4).contains(&tokens.len()) && tokens[2..].iter().all(|t| t.parse::<f64>().is_ok()) {
        return found(
            Format::Snap,
            format!(
                "lines of {} whitespace-separated fields (\"{first}\")",
                tokens.len()
            ),
        );
    }
    None
}

/// The `"type"` of a one-line JSON object, if it has one.
/// What marks a JSON text as an Instagram Graph API answer, if anything does.
fn instagram_sign(text: &str) -> Option<&'static str> {
    if text.contains("\"business_discovery\"") {
        Some("Instagram's business_discovery")
    } else if text.contains("instagram.com/p/") || text.contains("cdninstagram.com") {
        Some("Instagram media (permalinks to instagram.com)")
    } else if text.contains("\"media_type\"") && text.contains("\"like_count\"") {
        Some("Instagram media (media_type, like_count)")
    } else if text.contains("\"username\"")
        && text.contains("\"like_count\"")
        && text.contains("\"timestamp\"")
        && !text.contains("\"id_str\"")
    {
        Some("Instagram comments (username, text, like_count, timestamp)")
    } else {
        None
    }
}

/// The Reddit thing kind a JSON text names (`"kind": "Listing"`, `t1`, `t3`…), if any.
fn reddit_kind(text: &str) -> Option<&'static str> {
    const KINDS: [&str; 8] = [
        "Listing",
        "t1",
        "t2",
        "t3",
        "t5",
        "more",
        "TrophyList",
        "t6",
    ];
    text.match_indices("\"kind\"").find_map(|(i, m)| {
        let rest = text[i + m.len()..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        let rest = rest.strip_prefix('"')?;
        KINDS
            .into_iter()
            .find(|k| rest.starts_with(k) && rest[k.len()..].starts_with('"'))
    })
}

/// `{"552783667052167168": {…` — tweet ids as the first key.
fn is_reply_tree(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('{') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    let key_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    key_len >= 5 && rest[key_len..].starts_with('"')
}

fn json_type_of(line: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Typed {
        #[serde(rename = "type")]
        kind: String,
    }
    serde_json::from_str::<Typed>(line).ok().map(|t| t.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(ext: &str, text: &str, expect: Option<Format>) {
        assert_eq!(
            detect_from(ext, text).map(|d| d.format),
            expect,
            "{ext}: {text}"
        );
    }

    #[test]
    fn detects_each_format_from_content() {
        check("txt", "223789 213163 1341100972 MT\n", Some(Format::Higgs));
        check("txt", "# Nodes: 3\n0\t1\n1\t2\n", Some(Format::Snap));
        check("", "6,2,4,1289241911.72836\n", Some(Format::RatingsCsv));
        check(
            "jsonl",
            "{\"type\":\"account\",\"id\":\"x:a\"}\n",
            Some(Format::Jsonl),
        );
        check(
            "json",
            "{\n \"@context\": \"https://www.w3.org/ns/activitystreams\",\n \"type\": \"Follow\"}",
            Some(Format::ActivityPub),
        );
        check("json", "{\"type\":\"weird\"}", None);
        check("txt", "just some prose here and more words\n", None);
    }
}
