//! socialset's canonical JSON Lines: one record per line, `"type"` first among equals.
//! The schema, with an example of every record type, is in docs/FORMAT.md.
//!
//! These serde structs are the wire format; they are converted to `socialset-model` records
//! here and go no further.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use socialset_model::{
    Account, AccountId, ClaimRecord, ClaimWhat, Conversion, FactVerdict, Follow, Group, GroupId,
    Interaction, InteractionKind, Membership, Post, PostId, Rating, Record, Timestamp,
    VerdictRecord,
};

use super::{parse_time_text, Line};
use crate::error::{trim_value, RecordError};

/// Parses one line into a record. Two passes: first the `type` alone, then the typed record,
/// so that errors can name the exact field (serde's internally tagged enums lose the path).
pub(crate) fn parse(line: &Line<'_>) -> Result<Record, RecordError> {
    #[derive(Deserialize)]
    struct Typed {
        #[serde(rename = "type")]
        kind: Option<String>,
    }
    let typed: Typed = serde_json::from_str(line.text)
        .map_err(|e| line.error(format!("is not a JSON object: {}", strip_position(&e))))?;
    let kind = typed.kind.ok_or_else(|| {
        line.error("is missing: every record needs a \"type\"")
            .field("type")
    })?;
    match kind.as_str() {
        "account" => typed_record::<AccountWire>(line).map(|w| Record::Account(w.into_model(line.platform))),
        "follow" => typed_record::<FollowWire>(line).map(|w| {
            Record::Follow(Follow {
                src: id(line.platform, &w.src),
                dst: id(line.platform, &w.dst),
                at: w.at.map(|t| t.0),
            })
        }),
        "post" => typed_record::<PostWire>(line).map(|w| Record::Post(w.into_model(line.platform))),
        "interaction" => typed_record::<InteractionWire>(line).and_then(|w| {
            let kind: InteractionKind = w
                .kind
                .parse()
                .map_err(|problem: String| line.error(problem).field("kind"))?;
            Ok(Record::Interaction(Interaction {
                src: id(line.platform, &w.src),
                dst: id(line.platform, &w.dst),
                kind,
                at: w.at.map(|t| t.0),
                post: w.post.map(|p| PostId::new(full_id(line.platform, &p))),
                weight: w.weight.map_or(1.0, |c| c.0 as f64),
            }))
        }),
        "rating" => typed_record::<RatingWire>(line).map(|w| {
            Record::Rating(Rating {
                src: id(line.platform, &w.src),
                dst: id(line.platform, &w.dst),
                value: w.value.0,
                at: w.at.map(|t| t.0),
            })
        }),
        "conversion" => typed_record::<ConversionWire>(line).map(|w| {
            Record::Conversion(Conversion {
                campaign: w.campaign.0,
                member: id(line.platform, &w.member),
                kind: w.kind.0,
                value_eur: w.value_eur.map(|v| v.0),
                at: w.at.map(|t| t.0),
                code: w.code,
            })
        }),
        "group" => typed_record::<GroupWire>(line).map(|w| {
            Record::Group(Group {
                id: GroupId::new(full_id(line.platform, &w.id.0)),
                name: w.name,
                description: w.description,
                members: w.members.map(|c| c.0),
                created_at: w.created_at.map(|t| t.0),
            })
        }),
        "membership" => typed_record::<MembershipWire>(line).map(|w| {
            Record::Membership(Membership {
                group: GroupId::new(full_id(line.platform, &w.group.0)),
                account: id(line.platform, &w.account),
                at: w.at.map(|t| t.0),
            })
        }),
        "claim" => typed_record::<ClaimWire>(line).and_then(|w| {
            let given = [
                w.link.map(|v| ClaimWhat::Link(v.0)),
                w.hashtag.map(|v| ClaimWhat::Hashtag(v.0.trim_start_matches('#').to_owned())),
                w.text.map(|v| ClaimWhat::Text(v.0)),
                w.post.map(|v| ClaimWhat::Post(full_id(line.platform, &v.0))),
            ];
            let mut given = given.into_iter().flatten();
            let what = match (given.next(), given.next()) {
                (Some(what), None) => what,
                (None, _) => {
                    return Err(line
                        .error("is missing: a claim is a link, a hashtag, a text or a post, and names one")
                        .field("link"))
                }
                (Some(_), Some(_)) => {
                    return Err(line
                        .error("names more than one of link, hashtag, text and post: a claim is one of them (write one record each)")
                        .field("link"))
                }
            };
            Ok(Record::Claim(ClaimRecord {
                id: w.id.0,
                what,
                title: w.title,
            }))
        }),
        "verdict" => typed_record::<VerdictWire>(line).and_then(|w| {
            let verdict: FactVerdict = w
                .verdict
                .0
                .to_lowercase()
                .parse()
                .map_err(|problem: String| line.error(problem).field("verdict"))?;
            Ok(Record::Verdict(VerdictRecord {
                claim: w.claim.0,
                verdict,
                source: w.source.filter(|s| !s.trim().is_empty()),
                url: w.url,
                at: w.at.map(|t| t.0),
            }))
        }),
        other => Err(line
            .error("is not a record type socialset knows: expected account, follow, post, interaction, rating, conversion, group, membership, claim or verdict")
            .field("type")
            .value(other)),
    }
}

fn typed_record<T: for<'de> Deserialize<'de>>(line: &Line<'_>) -> Result<T, RecordError> {
    let mut de = serde_json::Deserializer::from_str(line.text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = strip_position(&inner);
        // serde reports a missing field on the enclosing object; name the field itself.
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            return line.error("is missing: it is required").field(missing);
        }
        let err = line.error(message);
        if path == "." || path.is_empty() {
            err
        } else {
            err.field(path)
        }
    })
}

/// serde_json appends " at line 1 column 40" to its messages; the line is ours to report.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Ids in JSON Lines are `platform:local`; one without a `:` gets the file's platform.
fn id(platform: &str, raw: &NonEmpty) -> AccountId {
    AccountId::new(full_id(platform, &raw.0))
}

fn full_id(platform: &str, raw: &str) -> String {
    if raw.contains(':') {
        raw.to_owned()
    } else {
        format!("{platform}:{raw}")
    }
}

/// A string that must not be empty (ids, names of campaigns).
struct NonEmpty(String);

impl<'de> Deserialize<'de> for NonEmpty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() {
            return Err(de::Error::custom(
                "is empty: a non-empty string is required",
            ));
        }
        Ok(Self(s))
    }
}

/// A count: a whole number, zero or more.
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number, zero or more")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                if v > super::MAX_COUNT {
                    return Err(E::custom(format!("{} ({v})", super::COUNT_TOO_LARGE)));
                }
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::custom(format!("is negative: a count is zero or more ({v})")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                if v.fract() == 0.0 && v >= 0.0 && v <= super::MAX_COUNT as f64 {
                    Ok(Count(v as u64))
                } else if v.fract() == 0.0 && v > 0.0 {
                    Err(E::custom(format!(
                        "{} ({})",
                        super::COUNT_TOO_LARGE,
                        show(v)
                    )))
                } else if v < 0.0 {
                    Err(E::custom(format!(
                        "is negative: a count is zero or more ({})",
                        show(v)
                    )))
                } else {
                    Err(E::custom(format!(
                        "is not a whole number within range ({})",
                        show(v)
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A number as a person would write it: huge ones in scientific notation.
fn show(v: f64) -> String {
    if v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A finite number (ratings, money).
struct Finite(f64);

impl<'de> Deserialize<'de> for Finite {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if !v.is_finite() {
            return Err(de::Error::custom(format!("is not a finite number ({v})")));
        }
        Ok(Self(v))
    }
}

/// A time: RFC 3339 text or epoch seconds (integer or fractional).
struct Time(Timestamp);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Time;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an RFC 3339 time or epoch seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                parse_time_text(v)
                    .map(Time)
                    .map_err(|p| E::custom(format!("{p} ({:?})", trim_value(v))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Time, E> {
                Timestamp::from_epoch_seconds(v).map(Time).ok_or_else(|| {
                    E::custom(format!(
                        "is an epoch time outside the years 1900–2200 ({})",
                        show(v)
                    ))
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountWire {
    #[serde(rename = "type")]
    _type: String,
    id: NonEmpty,
    platform: Option<String>,
    handle: Option<String>,
    name: Option<String>,
    followers: Option<Count>,
    following: Option<Count>,
    posts_count: Option<Count>,
    created_at: Option<Time>,
    bio: Option<String>,
    verified: Option<bool>,
    lang: Option<String>,
    is_brand: Option<bool>,
    listed: Option<Count>,
    likes_given: Option<Count>,
}

impl AccountWire {
    fn into_model(self, default_platform: &str) -> Account {
        let platform = self.platform.unwrap_or_else(|| default_platform.to_owned());
        let id = AccountId::new(full_id(&platform, &self.id.0));
        Account {
            platform: id.platform().map(str::to_owned),
            id,
            handle: self.handle,
            name: self.name,
            followers: self.followers.map(|c| c.0),
            following: self.following.map(|c| c.0),
            posts_count: self.posts_count.map(|c| c.0),
            created_at: self.created_at.map(|t| t.0),
            bio: self.bio,
            verified: self.verified,
            lang: self.lang,
            is_brand: self.is_brand,
            listed: self.listed.map(|c| c.0),
            likes_given: self.likes_given.map(|c| c.0),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowWire {
    #[serde(rename = "type")]
    _type: String,
    src: NonEmpty,
    dst: NonEmpty,
    at: Option<Time>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostWire {
    #[serde(rename = "type")]
    _type: String,
    id: NonEmpty,
    author: NonEmpty,
    at: Option<Time>,
    text: Option<String>,
    lang: Option<String>,
    reply_to: Option<NonEmpty>,
    share_of: Option<NonEmpty>,
    quote_of: Option<NonEmpty>,
    #[serde(default)]
    mentions: Vec<NonEmpty>,
    #[serde(default)]
    hashtags: Vec<String>,
    #[serde(default)]
    urls: Vec<String>,
    likes: Option<Count>,
    shares: Option<Count>,
    replies: Option<Count>,
    views: Option<Count>,
    source: Option<String>,
    group: Option<NonEmpty>,
}

impl PostWire {
    fn into_model(self, platform: &str) -> Post {
        let post_id = |p: NonEmpty| PostId::new(full_id(platform, &p.0));
        Post {
            id: post_id(self.id),
            author: id(platform, &self.author),
            at: self.at.map(|t| t.0),
            text: self.text,
            lang: self.lang,
            reply_to: self.reply_to.map(post_id),
            share_of: self.share_of.map(post_id),
            quote_of: self.quote_of.map(post_id),
            mentions: self.mentions.iter().map(|m| id(platform, m)).collect(),
            hashtags: self
                .hashtags
                .into_iter()
                .map(|h| h.trim_start_matches('#').to_lowercase())
                .collect(),
            urls: self.urls,
            likes: self.likes.map(|c| c.0),
            shares: self.shares.map(|c| c.0),
            replies: self.replies.map(|c| c.0),
            views: self.views.map(|c| c.0),
            source: self.source.filter(|s| !s.trim().is_empty()),
            group: self.group.map(|g| GroupId::new(full_id(platform, &g.0))),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InteractionWire {
    #[serde(rename = "type")]
    _type: String,
    src: NonEmpty,
    dst: NonEmpty,
    kind: String,
    at: Option<Time>,
    post: Option<String>,
    weight: Option<Count>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatingWire {
    #[serde(rename = "type")]
    _type: String,
    src: NonEmpty,
    dst: NonEmpty,
    value: RatingValue,
    at: Option<Time>,
}

/// A rating value: finite and within ±`Rating::MAX_ABS`.
struct RatingValue(f64);

impl<'de> Deserialize<'de> for RatingValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Finite(v) = Finite::deserialize(d)?;
        if v.abs() > Rating::MAX_ABS {
            return Err(de::Error::custom(format!(
                "is out of range: ratings go from -{0} to {0} ({v})",
                Rating::MAX_ABS
            )));
        }
        Ok(Self(v))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConversionWire {
    #[serde(rename = "type")]
    _type: String,
    campaign: NonEmpty,
    member: NonEmpty,
    kind: NonEmpty,
    value_eur: Option<Finite>,
    at: Option<Time>,
    code: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupWire {
    #[serde(rename = "type")]
    _type: String,
    id: NonEmpty,
    name: Option<String>,
    description: Option<String>,
    members: Option<Count>,
    created_at: Option<Time>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimWire {
    #[serde(rename = "type")]
    _type: String,
    id: NonEmpty,
    link: Option<NonEmpty>,
    hashtag: Option<NonEmpty>,
    text: Option<NonEmpty>,
    post: Option<NonEmpty>,
    title: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictWire {
    #[serde(rename = "type")]
    _type: String,
    claim: NonEmpty,
    verdict: NonEmpty,
    source: Option<String>,
    url: Option<String>,
    at: Option<Time>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MembershipWire {
    #[serde(rename = "type")]
    _type: String,
    group: NonEmpty,
    account: NonEmpty,
    at: Option<Time>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Result<&str, &str>) {
        let line = Line {
            file: "in.jsonl",
            no: 7,
            text,
            platform: "local",
        };
        match (parse(&line), expect) {
            (Ok(r), Ok(want)) => assert!(format!("{r:?}").contains(want), "{r:?} lacks {want}"),
            (Err(e), Err(want)) => assert_eq!(e.to_string(), want),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn every_record_type_parses() {
        check(
            r#"{"type":"account","id":"tw:ann","followers":1200,"created_at":"2010-01-01T00:00:00Z"}"#,
            Ok("followers: Some(1200)"),
        );
        check(
            r#"{"type":"account","id":"ann","platform":"tw"}"#,
            Ok("\"tw:ann\""),
        );
        check(
            r#"{"type":"follow","src":"tw:a","dst":"tw:b"}"#,
            Ok("Follow"),
        );
        check(
            r##"{"type":"post","id":"tw:1","author":"tw:a","hashtags":["#Adv"],"at":1341100972}"##,
            Ok("hashtags: [\"adv\"]"),
        );
        check(
            r#"{"type":"interaction","src":"tw:a","dst":"tw:b","kind":"reply"}"#,
            Ok("Reply"),
        );
        check(
            r#"{"type":"rating","src":"a","dst":"b","value":-3.5}"#,
            Ok("value: -3.5"),
        );
        check(
            r#"{"type":"conversion","campaign":"c1","member":"tw:a","kind":"sale","value_eur":19.9}"#,
            Ok("Some(19.9)"),
        );
        check(
            r##"{"type":"claim","id":"pf:fake-12","hashtag":"#Hoax","title":"A hoax"}"##,
            Ok("Hashtag(\"Hoax\")"),
        );
        check(
            r#"{"type":"verdict","claim":"pf:fake-12","verdict":"False","source":"PolitiFact","at":"2017-01-02"}"#,
            Ok("verdict: False"),
        );
    }

    #[test]
    fn bad_claims_and_verdicts_name_the_field() {
        check(
            r#"{"type":"claim","id":"c1"}"#,
            Err("in.jsonl:7: field \"link\": is missing: a claim is a link, a hashtag, a text or a post, and names one"),
        );
        check(
            r#"{"type":"claim","id":"c1","link":"https://a.example/x","text":"words"}"#,
            Err("in.jsonl:7: field \"link\": names more than one of link, hashtag, text and post: a claim is one of them (write one record each)"),
        );
        check(
            r#"{"type":"verdict","claim":"c1","verdict":"pants on fire"}"#,
            Err("in.jsonl:7: field \"verdict\": a verdict is true, false, mixed or unverified, not \"pants on fire\""),
        );
        check(
            r#"{"type":"verdict","verdict":"false"}"#,
            Err("in.jsonl:7: field \"claim\": is missing: it is required"),
        );
    }

    #[test]
    fn bad_records_name_line_field_and_value() {
        check(
            r#"{"type":"account","id":"a","followers":-5}"#,
            Err("in.jsonl:7: field \"followers\": is negative: a count is zero or more (-5)"),
        );
        check(r#"{"type":"account","id":"a","followers":"many"}"#,
            Err("in.jsonl:7: field \"followers\": invalid type: string \"many\", expected a whole number, zero or more"));
        check(r#"{"type":"post","id":"p","author":"a","at":"yesterday"}"#,
            Err("in.jsonl:7: field \"at\": is not an RFC 3339 time or epoch seconds (\"yesterday\")"));
        check(
            r#"{"type":"follow","src":"a"}"#,
            Err("in.jsonl:7: field \"dst\": is missing: it is required"),
        );
        check(r#"{"type":"tweet"}"#, Err("in.jsonl:7: field \"type\": is not a record type socialset knows: expected account, follow, post, interaction, rating, conversion, group, membership, claim or verdict (tweet)"));
        check(r#"{"type":"interaction","src":"a","dst":"b","kind":"poke"}"#,
            Err("in.jsonl:7: field \"kind\": \"poke\" is not one of reply, mention, share, quote, like"));
        check(r#"{"type":"account","id":"a","folowers":3}"#,
            Err("in.jsonl:7: field \"folowers\": unknown field `folowers`, expected one of `type`, `id`, `platform`, `handle`, `name`, `followers`, `following`, `posts_count`, `created_at`, `bio`, `verified`, `lang`, `is_brand`, `listed`, `likes_given`"));
        check(
            r#"{"type":"account","id":"a""#,
            Err("in.jsonl:7: is not a JSON object: EOF while parsing an object"),
        );
        check(
            r#"{"type":"account","id":"a","followers":1e300}"#,
            Err("in.jsonl:7: field \"followers\": is larger than any count a platform gives (at most 9223372036854775807) (1e300)"),
        );
        // Past what the store holds: refused, never clamped to 2^63 − 1.
        check(
            r#"{"type":"account","id":"a","followers":9223372036854775808}"#,
            Err("in.jsonl:7: field \"followers\": is larger than any count a platform gives (at most 9223372036854775807) (9223372036854775808)"),
        );
        check(
            r#"{"type":"account","id":"a","followers":9223372036854775807}"#,
            Ok("followers: Some(9223372036854775807)"),
        );
        check(
            r#"{"type":"account","id":"a","followers":1.5}"#,
            Err("in.jsonl:7: field \"followers\": is not a whole number within range (1.5)"),
        );
    }
}
