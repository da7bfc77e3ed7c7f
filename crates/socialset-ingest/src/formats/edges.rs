//! Line-per-edge formats: SNAP edge lists, signed-rating CSV, and the Higgs activity file.

use socialset_model::{AccountId, Follow, Interaction, InteractionKind, Rating, Record, Timestamp};

use super::{parse_time_text, Line};
use crate::error::RecordError;
use crate::EdgeKind;

fn account(line: &Line<'_>, field: &str, raw: &str) -> Result<AccountId, RecordError> {
    let raw = raw.trim().trim_matches('"');
    if raw.is_empty() {
        return Err(line
            .error("is empty: an account id is required")
            .field(field));
    }
    Ok(AccountId::namespaced(line.platform, raw))
}

fn number(line: &Line<'_>, field: &str, raw: &str) -> Result<f64, RecordError> {
    match raw.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(line.error("is not a finite number").field(field).value(raw)),
    }
}

fn rating(line: &Line<'_>, field: &str, raw: &str) -> Result<f64, RecordError> {
    let v = number(line, field, raw)?;
    if v.abs() > Rating::MAX_ABS {
        return Err(line
            .error(format!(
                "is out of range: ratings go from -{0} to {0}",
                Rating::MAX_ABS
            ))
            .field(field)
            .value(raw));
    }
    Ok(v)
}

fn time(line: &Line<'_>, field: &str, raw: &str) -> Result<Timestamp, RecordError> {
    parse_time_text(raw).map_err(|problem| line.error(problem).field(field).value(raw))
}

/// `src dst [weight] [time]`, spaces or tabs. The weight is a rating value for
/// `--kind rating`, a count of engagements for interaction kinds, and ignored for follows.
pub(crate) fn parse_snap(line: &Line<'_>, kind: EdgeKind) -> Result<Record, RecordError> {
    let fields: Vec<&str> = line.text.split_whitespace().collect();
    if !(2..=4).contains(&fields.len()) {
        return Err(line
            .error(format!(
                "expected 2 to 4 fields (src dst [weight] [time]), found {}",
                fields.len()
            ))
            .value(line.text));
    }
    let src = account(line, "src", fields[0])?;
    let dst = account(line, "dst", fields[1])?;
    let weight = fields
        .get(2)
        .map(|w| number(line, "weight", w))
        .transpose()?;
    let at = fields.get(3).map(|t| time(line, "time", t)).transpose()?;
    Ok(match kind {
        EdgeKind::Follow => Record::Follow(Follow { src, dst, at }),
        EdgeKind::Rating => Record::Rating(Rating {
            src,
            dst,
            value: match fields.get(2) {
                Some(raw) => rating(line, "weight", raw)?,
                None => {
                    return Err(line
                        .error("is missing: --kind rating needs a third field, the rating")
                        .field("weight"))
                }
            },
            at,
        }),
        EdgeKind::Interaction(kind) => {
            let weight = weight.unwrap_or(1.0);
            if weight <= 0.0 {
                return Err(line
                    .error("must be a positive count of engagements")
                    .field("weight")
                    .value(fields[2]));
            }
            Record::Interaction(Interaction {
                src,
                dst,
                kind,
                at,
                post: None,
                weight,
            })
        }
    })
}

/// What the rating column of a header line is called: a first line whose third field is one
/// of these is a header and is skipped (`Ok(None)`). Any other first line is data, so a bad
/// first record is an error like any other, not a header skipped in silence.
const RATING_HEADERS: [&str; 6] = ["rating", "weight", "value", "score", "sign", "trust"];

/// `src,dst,rating[,time]`, after an optional header line (`RATING_HEADERS`).
pub(crate) fn parse_ratings_csv(line: &Line<'_>) -> Result<Option<Record>, RecordError> {
    let fields: Vec<&str> = line.text.split(',').collect();
    if !(3..=4).contains(&fields.len()) {
        return Err(line
            .error(format!(
                "expected 3 or 4 comma-separated fields (src,dst,rating[,time]), found {}",
                fields.len()
            ))
            .value(line.text));
    }
    let rating_name = fields[2].trim().trim_matches('"').to_ascii_lowercase();
    if line.no == 1 && RATING_HEADERS.contains(&rating_name.as_str()) {
        return Ok(None);
    }
    Ok(Some(Record::Rating(Rating {
        src: account(line, "src", fields[0])?,
        dst: account(line, "dst", fields[1])?,
        value: rating(line, "rating", fields[2])?,
        at: fields.get(3).map(|t| time(line, "time", t)).transpose()?,
    })))
}

/// `userA userB timestamp RT|MT|RE`: A retweeted (shared), mentioned or replied to B.
pub(crate) fn parse_higgs(line: &Line<'_>) -> Result<Record, RecordError> {
    let fields: Vec<&str> = line.text.split_whitespace().collect();
    if fields.len() != 4 {
        return Err(line
            .error(format!(
                "expected 4 fields (userA userB timestamp RT|MT|RE), found {}",
                fields.len()
            ))
            .value(line.text));
    }
    let kind = match fields[3] {
        "RT" => InteractionKind::Share,
        "MT" => InteractionKind::Mention,
        "RE" => InteractionKind::Reply,
        other => {
            return Err(line
                .error("is not one of RT, MT, RE")
                .field("interaction")
                .value(other))
        }
    };
    Ok(Record::Interaction(Interaction {
        src: account(line, "userA", fields[0])?,
        dst: account(line, "userB", fields[1])?,
        kind,
        at: Some(time(line, "timestamp", fields[2])?),
        post: None,
        weight: 1.0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line<'_> {
        Line {
            file: "f.txt",
            no: 3,
            text,
            platform: "snap",
        }
    }

    #[test]
    fn snap_lines_become_follows_interactions_or_ratings() {
        let r = parse_snap(&line("1\t2"), EdgeKind::Follow);
        assert!(matches!(r, Ok(Record::Follow(f)) if f.src.as_str() == "snap:1" && f.at.is_none()));
        let r = parse_snap(
            &line("1 2 3 1341100972"),
            EdgeKind::Interaction(InteractionKind::Share),
        );
        assert!(matches!(r, Ok(Record::Interaction(i)) if i.weight == 3.0 && i.at.is_some()));
        let r = parse_snap(&line("1 2 -4"), EdgeKind::Rating);
        assert!(matches!(r, Ok(Record::Rating(x)) if x.value == -4.0));
    }

    #[test]
    fn bad_edges_name_the_field_and_value() {
        let e = parse_snap(&line("1 2 x"), EdgeKind::Rating)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("f.txt:3: field \"weight\": is not a finite number (x)")
        );
        let e = parse_higgs(&line("1 2 1341100972 XX"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("f.txt:3: field \"interaction\": is not one of RT, MT, RE (XX)")
        );
        let e = parse_ratings_csv(&line("1,2,3,soon"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("f.txt:3: field \"time\": is not an RFC 3339 time or epoch seconds (soon)")
        );
        assert!(parse_snap(&line("1"), EdgeKind::Follow).is_err());
    }

    #[test]
    fn csv_header_on_line_one_is_skipped() {
        let header = Line {
            no: 1,
            ..line("source,target,rating,time")
        };
        assert_eq!(parse_ratings_csv(&header), Ok(None));
        let quoted = Line {
            no: 1,
            ..line("\"SOURCE\",\"TARGET\",\"RATING\"")
        };
        assert_eq!(parse_ratings_csv(&quoted), Ok(None));
        // A first record with a bad rating is not taken for a header.
        let bad = Line {
            no: 1,
            ..line("6,2,ten,1289241911")
        };
        assert!(
            parse_ratings_csv(&bad).is_err_and(|e| e.to_string().contains("rating")),
            "{:?}",
            parse_ratings_csv(&bad)
        );
    }
}
