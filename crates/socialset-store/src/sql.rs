//! What both SQL stores share: how a missing time is keyed, JSON list columns, counts as
//! SQL integers, and how many rows one batched insert carries.

use socialset_model::Timestamp;

use crate::{CampaignMember, Error, Result, StoredAccount};

/// "No time known", inside the store only (see schema.sql).
pub(crate) const NO_TIME: i64 = i64::MIN;

/// One `INSERT` of this many rows costs far less than as many single-row statements
/// (measured on SQLite: the store's share of importing soc-Slashdot0902 falls by about half).
pub(crate) const ROWS_PER_INSERT: usize = 128;

/// A JSON list of strings from a column (missing: empty).
pub(crate) fn json_strings(json: Option<String>, what: &'static str) -> Result<Vec<String>> {
    json.map(|j| {
        serde_json::from_str::<Vec<String>>(&j).map_err(|e| Error::Corrupt {
            what,
            detail: e.to_string(),
        })
    })
    .transpose()
    .map(Option::unwrap_or_default)
}

/// A list as a JSON column (empty: missing).
pub(crate) fn json_list<T: AsRef<str>>(items: &[T]) -> Option<String> {
    (!items.is_empty()).then(|| {
        serde_json::Value::Array(
            items
                .iter()
                .map(|s| serde_json::Value::String(s.as_ref().to_owned()))
                .collect(),
        )
        .to_string()
    })
}

pub(crate) fn time_key(at: Option<Timestamp>) -> i64 {
    at.map_or(NO_TIME, Timestamp::epoch_ms)
}

pub(crate) fn time_from_key(key: i64) -> Option<Timestamp> {
    if key == NO_TIME {
        None
    } else {
        Timestamp::from_epoch_ms(key)
    }
}

/// (campaign, member, code) rows, ordered by campaign and member, as one entry per member
/// with its codes (an empty code is none).
pub(crate) fn campaign_members(
    rows: impl IntoIterator<Item = (String, i64, String)>,
) -> Vec<CampaignMember> {
    let mut out: Vec<CampaignMember> = Vec::new();
    for (campaign, member, code) in rows {
        let same = out
            .last()
            .is_some_and(|m| m.campaign == campaign && m.member.0 == member);
        if !same {
            out.push(CampaignMember {
                campaign,
                member: StoredAccount(member),
                codes: Vec::new(),
            });
        }
        if let (false, Some(last)) = (code.is_empty(), out.last_mut()) {
            last.codes.push(code);
        }
    }
    out
}

/// A count as an SQL integer. Counts beyond i64 (9.2e18) cannot occur in real data; saturate
/// rather than wrap.
pub(crate) fn count(v: Option<u64>) -> Option<i64> {
    v.map(|c| i64::try_from(c).unwrap_or(i64::MAX))
}

/// Every group with its activity, the most posted-in first: the same SQL on both backends.
pub(crate) const GROUPS: &str = "
    SELECT g.id, g.name, g.description, g.members, g.created_at,
           (SELECT COUNT(*) FROM memberships m WHERE m.grp = g.id),
           COUNT(p.idx), COUNT(DISTINCT p.author), MIN(p.at), MAX(p.at)
    FROM groups g LEFT JOIN posts p ON p.grp = g.id
    GROUP BY g.id, g.name, g.description, g.members, g.created_at
    ORDER BY COUNT(p.idx) DESC, g.id";

/// One row of `GROUPS`, read into a group.
#[allow(clippy::type_complexity)]
pub(crate) fn stored_group(
    row: (
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
    ),
) -> crate::StoredGroup {
    let (id, name, description, members, created_at, memberships, posts, posters, first, last) =
        row;
    let time = |t: Option<i64>| t.and_then(Timestamp::from_epoch_ms);
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    crate::StoredGroup {
        id,
        name,
        description,
        members: members.and_then(|m| u64::try_from(m).ok()),
        created_at: time(created_at),
        memberships: n(memberships),
        posts: n(posts),
        posters: n(posters),
        first_post: time(first),
        last_post: time(last),
    }
}

/// The `meta` key counting committed imports: caches of what was computed from a store are
/// stale once it moves, whoever imported (a server, or the CLI beside it).
pub(crate) const IMPORTS_KEY: &str = "imports";

/// Counts one more committed import, inside the import's transaction (both backends).
pub(crate) const COUNT_IMPORT: &str = "INSERT INTO meta (key, value) VALUES ('imports', '1')
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)";

/// The interactions a deleted post made (its author's edges naming it: reply, quote, mention,
/// share), not the likes others gave it. Parameters: author idx, post id, like's code.
pub(crate) const DELETE_POST_INTERACTIONS_SQLITE: &str =
    "DELETE FROM interactions WHERE src = ?1 AND post = ?2 AND kind <> ?3";
