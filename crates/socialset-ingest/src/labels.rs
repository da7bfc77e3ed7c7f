//! Labelled accounts for the authenticity audit: a file of `account,label` pairs (which
//! accounts of the store are bots), and the Gilani et al. (2017) layout of published
//! per-account aggregates (`bots/bots.<band>.csv`, `humans/humans.<band>.csv`). Every value is
//! checked: a missing, non-numeric, negative or absurd value is an error naming file, line and
//! field.

use std::io::{BufRead, Read};
use std::path::Path;

use socialset_model::{AccountSummary, ClientType};

use crate::{source, RecordError};

/// One labelled account of a published data set.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledSummary {
    pub summary: AccountSummary,
    pub bot: bool,
    /// The follower band the publisher filed it under ("1k", "100k", "1M", "10M").
    pub band: String,
}

/// An account of the store and whether it is a bot, as the user labelled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLabel {
    pub account: String,
    pub bot: bool,
    pub line: u64,
}

fn lines(path: &Path) -> Result<(String, Vec<String>), RecordError> {
    let shown = path.display().to_string();
    let (mut src, _) = source::open(path, &shown, source::ReadLimits::default())?;
    let mut text = Vec::new();
    src.reader
        .read_to_end(&mut text)
        .map_err(|e| RecordError::fatal(&shown, 0, format!("cannot read: {e}")))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.map_err(|_| RecordError::new(&shown, i as u64 + 1, "is not UTF-8 text"))?;
        out.push(line);
    }
    Ok((shown, out))
}

fn parse_label(file: &str, line: u64, raw: &str) -> Result<bool, RecordError> {
    match raw.trim().to_lowercase().as_str() {
        "bot" | "1" | "true" | "fake" => Ok(true),
        "human" | "0" | "false" | "real" => Ok(false),
        _ => Err(RecordError::new(file, line, "is not bot/human (or 1/0)")
            .field("label")
            .value(raw)),
    }
}

/// Reads `account,label` lines (a header line is allowed; `#` starts a comment). Labels:
/// `bot`/`human`, `1`/`0`, `true`/`false`. An account labelled twice with different labels is
/// an error; twice alike is read once.
pub fn read_account_labels(path: &Path) -> Result<Vec<AccountLabel>, RecordError> {
    let (file, lines) = lines(path)?;
    let mut out: Vec<AccountLabel> = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (i, text) in lines.iter().enumerate() {
        let line = i as u64 + 1;
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = text.split([',', '\t']).map(str::trim).collect();
        if line == 1
            && fields
                .get(1)
                .is_some_and(|l| l.eq_ignore_ascii_case("label"))
        {
            continue;
        }
        let [account, label] = fields.as_slice() else {
            return Err(
                RecordError::new(&file, line, "expected two fields: account,label").value(text),
            );
        };
        if account.is_empty() {
            return Err(RecordError::new(&file, line, "is empty").field("account"));
        }
        let bot = parse_label(&file, line, label)?;
        match seen.insert(account.to_string(), (bot, line)) {
            Some((before, first)) if before != bot => {
                return Err(RecordError::new(
                    &file,
                    line,
                    format!(
                        "contradicts line {first}, which labels the same account the other way"
                    ),
                )
                .field("label")
                .value(label))
            }
            Some(_) => continue,
            None => out.push(AccountLabel {
                account: account.to_string(),
                bot,
                line,
            }),
        }
    }
    if out.is_empty() {
        return Err(RecordError::new(&file, 0, "holds no labelled accounts"));
    }
    Ok(out)
}

/// What a person judged an account to be, by the protocol of `tests/data/audit/README.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HandLabel {
    /// An individual writing as themself.
    Human,
    /// Speaks for a newsroom, brand, organisation or show, or posts a news feed.
    Organisation,
    /// No person behind it, or a self-declared manipulator.
    Bot,
    /// Cannot tell from the profile.
    Unsure,
}

impl HandLabel {
    pub const ALL: [Self; 4] = [Self::Human, Self::Organisation, Self::Bot, Self::Unsure];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::Organisation => "organisation",
            Self::Bot => "bot",
            Self::Unsure => "unsure",
        }
    }
}

/// One hand-labelled account: its id, the stratum of the sample it was drawn in, its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandLabelled {
    pub account: String,
    pub stratum: String,
    pub label: HandLabel,
    pub line: u64,
}

/// Reads a CSV with a header naming at least `account` and `label` (and optionally
/// `sample`, the stratum): labels `human`, `organisation`, `bot` or `unsure`. An account
/// twice is an error.
pub fn read_hand_labels(path: &Path) -> Result<Vec<HandLabelled>, RecordError> {
    let (file, lines) = lines(path)?;
    let header: Vec<&str> = lines
        .first()
        .map(|h| h.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(account_at), Some(label_at)) = (column("account"), column("label")) else {
        return Err(RecordError::new(
            &file,
            1,
            "the header must name the columns account and label (and optionally sample)",
        ));
    };
    let sample_at = column("sample");
    let mut out: Vec<HandLabelled> = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (i, text) in lines.iter().enumerate().skip(1) {
        let line = i as u64 + 1;
        if text.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = text.split(',').map(str::trim).collect();
        let get = |at: usize, name: &str| {
            fields
                .get(at)
                .copied()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| RecordError::new(&file, line, "is missing").field(name))
        };
        let account = get(account_at, "account")?;
        let raw = get(label_at, "label")?;
        let label = HandLabel::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(raw))
            .ok_or_else(|| {
                RecordError::new(&file, line, "is not human, organisation, bot or unsure")
                    .field("label")
                    .value(raw)
            })?;
        if let Some(first) = seen.insert(account.to_owned(), line) {
            return Err(RecordError::new(
                &file,
                line,
                format!("labels the account of line {first} again"),
            )
            .field("account")
            .value(account));
        }
        out.push(HandLabelled {
            account: account.to_owned(),
            stratum: sample_at
                .and_then(|at| fields.get(at))
                .map_or_else(|| "all".to_owned(), |s| (*s).to_owned()),
            label,
            line,
        });
    }
    if out.is_empty() {
        return Err(RecordError::new(&file, 0, "holds no labelled accounts"));
    }
    Ok(out)
}

const GILANI_COLUMNS: [&str; 16] = [
    "screen_name",
    "user_tweeted",
    "user_retweeted",
    "user_favourited",
    "user_replied",
    "likes_per_tweet",
    "retweets_per_tweet",
    "lists_per_user",
    "follower_friend_ratio",
    "tweet_frequency",
    "favourite_tweet_ratio",
    "age_of_account_in_days",
    "sources_count",
    "urls_count",
    "cdn_content_in_kb",
    "source_identity",
];

/// The client types behind Gilani et al.'s `source_identity` codes. The publisher does not
/// document them; this is our reading of the data: code 2 is on 86% of the humans (phone
/// apps), code 1 on 29% of both classes (the web), code 4 on 24% of the bots and 4% of the
/// humans (automation), code 0 on 46% of the bots (an app of the account's own).
fn gilani_client(code: u8) -> Option<ClientType> {
    Some(match code {
        0 => ClientType::Other,
        1 => ClientType::Web,
        2 => ClientType::Mobile,
        3 => ClientType::Management,
        4 => ClientType::Automation,
        5 => ClientType::Marketing,
        6 => ClientType::Content,
        _ => return None,
    })
}

fn band_decade(band: &str) -> Option<u8> {
    Some(match band {
        "1k" => 3,
        "100k" => 5,
        "1M" => 6,
        "10M" => 7,
        _ => return None,
    })
}

/// Largest value accepted for a count or rate: anything above is a broken file, not a user.
const ABSURD: f64 = 1e12;
/// Oldest plausible account, in days (social networks are younger than 30 years).
const MAX_AGE_DAYS: f64 = 30.0 * 366.0;

/// Labelled rows read, and the bad rows skipped (only with `skip_bad`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelledRead {
    pub rows: Vec<LabelledSummary>,
    pub skipped: Vec<RecordError>,
}

/// Reads one Gilani-layout CSV file; `bot` and `band` come from its place and name. A bad
/// row is an error, or with `skip_bad` is left out and listed in `skipped` (a bad header
/// or an unreadable file is an error either way).
pub fn read_gilani_file(
    path: &Path,
    bot: bool,
    band: &str,
    skip_bad: bool,
) -> Result<LabelledRead, RecordError> {
    let (file, lines) = lines(path)?;
    let Some(header) = lines.first() else {
        return Err(RecordError::new(
            &file,
            0,
            "is empty: expected a header line",
        ));
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    if names != GILANI_COLUMNS {
        return Err(RecordError::new(
            &file,
            1,
            format!("header is not {}", GILANI_COLUMNS.join(",")),
        )
        .value(header));
    }
    let mut out = LabelledRead::default();
    for (i, text) in lines.iter().enumerate().skip(1) {
        let line = i as u64 + 1;
        if text.trim().is_empty() {
            continue;
        }
        match gilani_row(&file, line, text, bot, band) {
            Ok(row) => out.rows.push(row),
            Err(e) if skip_bad => out.skipped.push(e),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn gilani_row(
    file: &str,
    line: u64,
    text: &str,
    bot: bool,
    band: &str,
) -> Result<LabelledSummary, RecordError> {
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    if fields.len() != GILANI_COLUMNS.len() {
        return Err(RecordError::new(
            file,
            line,
            format!(
                "has {} fields, expected {}",
                fields.len(),
                GILANI_COLUMNS.len()
            ),
        )
        .value(text));
    }
    let num = |c: usize| -> Result<f64, RecordError> {
        let raw = fields[c];
        let err = |problem: &str| {
            RecordError::new(file, line, problem.to_owned())
                .field(GILANI_COLUMNS[c])
                .value(raw)
        };
        if raw.is_empty() {
            return Err(err("is missing"));
        }
        let v: f64 = raw.parse().map_err(|_| err("is not a number"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(err("must be a finite number of at least 0"));
        }
        if v > ABSURD || (GILANI_COLUMNS[c] == "age_of_account_in_days" && v > MAX_AGE_DAYS) {
            return Err(err("is out of any plausible range"));
        }
        Ok(v)
    };
    if fields[0].is_empty() {
        return Err(RecordError::new(file, line, "is missing").field("screen_name"));
    }
    let ids = fields[15];
    let inner = ids
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| {
            RecordError::new(file, line, "is not a [a;b] list of client codes")
                .field("source_identity")
                .value(ids)
        })?;
    let mut clients = Vec::new();
    for code in inner.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let client = code
            .parse::<u8>()
            .ok()
            .and_then(gilani_client)
            .ok_or_else(|| {
                RecordError::new(file, line, "holds a client code other than 0-6")
                    .field("source_identity")
                    .value(ids)
            })?;
        clients.push(client);
    }
    // Columns read for validation only: their meaning in the data is unclear
    // (favourite_tweet_ratio) or the store cannot hold them (cdn_content_in_kb).
    num(10)?;
    num(14)?;
    Ok(LabelledSummary {
        summary: AccountSummary {
            name: fields[0].to_owned(),
            follower_decade: band_decade(band),
            originals: Some(num(1)?),
            reposts: Some(num(2)?),
            likes_given: Some(num(3)?),
            replies: Some(num(4)?),
            likes_per_post: Some(num(5)?),
            shares_per_post: Some(num(6)?),
            listed_per_follower: Some(num(7)?),
            follower_friend_ratio: Some(num(8)?),
            posts_per_day: Some(num(9)?),
            age_days: Some(num(11)?),
            sources: Some(num(12)?),
            links: Some(num(13)?),
            clients: Some(clients),
        },
        bot,
        band: band.to_owned(),
    })
}

/// A real post annotated as sponsored or not (`None`: the annotator was unsure).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct AnnotatedPost {
    pub source: String,
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub urls: Vec<String>,
    pub sponsored: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One JSON object per line (blank lines skipped), each with its line number; errors name
/// file, line and field; a file with none is an error.
fn json_lines<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<(String, Vec<(u64, T)>), RecordError> {
    let (file, lines) = lines(path)?;
    let mut out = Vec::new();
    for (i, text) in lines.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let record: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            RecordError::new(&file, i as u64 + 1, e.into_inner().to_string()).field(field)
        })?;
        out.push((i as u64 + 1, record));
    }
    if out.is_empty() {
        return Err(RecordError::new(&file, 0, "holds no annotated posts"));
    }
    Ok((file, out))
}

/// Reads annotated posts, one JSON object per line; errors name file, line and field.
pub fn read_annotated_posts(path: &Path) -> Result<Vec<AnnotatedPost>, RecordError> {
    Ok(json_lines(path)?.1.into_iter().map(|(_, p)| p).collect())
}

/// A text with SENTIPOLC 2016 polarity labels (Barbieri et al., EVALITA 2016).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolarityLabelled {
    pub id: String,
    pub text: String,
    /// `opos`: overall positive.
    pub positive: bool,
    /// `oneg`: overall negative (both: mixed; neither: neutral).
    pub negative: bool,
    /// `iro`: ironic.
    pub ironic: bool,
    /// The brand or account the labels are about (Sanders' topic), when they are about one
    /// rather than the text's overall sentiment.
    pub target: Option<String>,
}

/// Reads a file in the SENTIPOLC 2016 column format (`idtwitter, subj, opos, oneg, iro, lpos,
/// lneg, top, text`, quoted CSV), with or without the header row, in UTF-8 or ISO-8859-1 (as
/// the official files are: any text that is not valid UTF-8 is read as ISO-8859-1), gzip or
/// not. Errors name file, line and field.
pub fn read_sentipolc(path: &Path) -> Result<Vec<PolarityLabelled>, RecordError> {
    let shown = path.display().to_string();
    let (mut src, _) = source::open(path, &shown, source::ReadLimits::default())?;
    let mut bytes = Vec::new();
    src.reader
        .read_to_end(&mut bytes)
        .map_err(|e| RecordError::fatal(&shown, 0, format!("cannot read: {e}")))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        // ISO-8859-1: every byte is the code point of the same number.
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 1;
        let record = record.map_err(|e| {
            let at = e.position().map_or(line, |p| p.line());
            RecordError::new(&shown, at, format!("is not a CSV record ({e})"))
        })?;
        let at = record.position().map_or(line, |p| p.line());
        if i == 0 && record.get(0).is_some_and(|f| f.trim() == "idtwitter") {
            continue;
        }
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() < 9 {
            return Err(RecordError::new(
                &shown,
                at,
                format!(
                    "has {} fields, not the 9 of SENTIPOLC (idtwitter, subj, opos, oneg, iro, lpos, lneg, top, text)",
                    record.len()
                ),
            ));
        }
        let flag = |k: usize, name: &str| -> Result<bool, RecordError> {
            match record.get(k).map(str::trim) {
                Some("1") => Ok(true),
                Some("0") => Ok(false),
                other => Err(RecordError::new(&shown, at, "is not 0 or 1")
                    .field(name)
                    .value(other.unwrap_or(""))),
            }
        };
        out.push(PolarityLabelled {
            id: record.get(0).unwrap_or("").trim().to_owned(),
            positive: flag(2, "opos")?,
            negative: flag(3, "oneg")?,
            ironic: flag(4, "iro")?,
            text: record.get(8).unwrap_or("").to_owned(),
            target: None,
        });
    }
    if out.is_empty() {
        return Err(RecordError::new(&shown, 0, "holds no labelled texts"));
    }
    Ok(out)
}

/// A file of texts labelled with their sentiment, in one of the layouts `read_labelled` knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledTexts {
    pub texts: Vec<PolarityLabelled>,
    /// The layout: "SENTIPOLC 2016", "TweetEval" or "Sanders".
    pub layout: &'static str,
    /// The texts' language code ("it", "en").
    pub language: &'static str,
    /// Whether the labels have a mixed class (SENTIPOLC's); else negative, neutral and
    /// positive only, scored by macro-averaged recall.
    pub mixed: bool,
    /// Records left out, and why (Sanders' "irrelevant": not English or off the topic).
    pub left_out: Option<(usize, &'static str)>,
}

/// Reads labelled texts in any layout socialset knows, told apart by their content:
/// - **SENTIPOLC 2016** (Italian): `idtwitter, subj, opos, oneg, iro, lpos, lneg, top, text`;
/// - **TweetEval** (English): one text per line in `NAME_text.txt`, its label (0 negative,
///   1 neutral, 2 positive) on the same line of `NAME_labels.txt` beside it;
/// - **Sanders** (English, sentiment towards a brand): CSV with the header
///   `Topic,Sentiment,TweetId,TweetDate,TweetText`; "irrelevant" records are left out.
pub fn read_labelled(path: &Path) -> Result<LabelledTexts, RecordError> {
    let shown = path.display().to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(stem) = name.strip_suffix("_text.txt") {
        let labels = path.with_file_name(format!("{stem}_labels.txt"));
        return read_tweeteval(path, &labels);
    }
    let (mut src, _) = source::open(path, &shown, source::ReadLimits::default())?;
    let mut head = [0u8; 64];
    let mut got = 0;
    while got < head.len() {
        match src.reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(RecordError::fatal(&shown, 0, format!("cannot read: {e}"))),
        }
    }
    let first: String = String::from_utf8_lossy(&head[..got])
        .chars()
        .filter(|c| *c != '"')
        .collect();
    if first
        .trim_start_matches('\u{feff}')
        .starts_with("Topic,Sentiment")
    {
        return read_sanders(path);
    }
    Ok(LabelledTexts {
        texts: read_sentipolc(path)?,
        layout: "SENTIPOLC 2016",
        language: "it",
        mixed: true,
        left_out: None,
    })
}

/// TweetEval's sentiment layout: `texts` one per line, `labels` (0, 1, 2) line for line.
pub fn read_tweeteval(texts: &Path, labels: &Path) -> Result<LabelledTexts, RecordError> {
    let (shown, lines_of_text) = lines(texts)?;
    let (shown_labels, label_lines) = lines(labels).map_err(|e| {
        if labels.exists() {
            e
        } else {
            RecordError::fatal(
                &shown,
                0,
                format!(
                    "is read as TweetEval's text file, but its labels file {} is not beside it",
                    labels.display()
                ),
            )
        }
    })?;
    if lines_of_text.len() != label_lines.len() {
        return Err(RecordError::fatal(
            &shown_labels,
            label_lines.len().min(lines_of_text.len()) as u64 + 1,
            format!(
                "has {} labels for the {} texts of {shown}",
                label_lines.len(),
                lines_of_text.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(lines_of_text.len());
    for (i, (text, label)) in lines_of_text.into_iter().zip(&label_lines).enumerate() {
        let (positive, negative) = match label.trim() {
            "0" => (false, true),
            "1" => (false, false),
            "2" => (true, false),
            other => {
                return Err(
                    RecordError::new(&shown_labels, i as u64 + 1, "is not 0, 1 or 2")
                        .field("label")
                        .value(other),
                )
            }
        };
        out.push(PolarityLabelled {
            id: (i + 1).to_string(),
            text: text.trim_end().to_owned(),
            positive,
            negative,
            ironic: false,
            target: None,
        });
    }
    if out.is_empty() {
        return Err(RecordError::new(&shown, 0, "holds no labelled texts"));
    }
    Ok(LabelledTexts {
        texts: out,
        layout: "TweetEval",
        language: "en",
        mixed: false,
        left_out: None,
    })
}

/// The Sanders corpus: `Topic,Sentiment,TweetId,TweetDate,TweetText`, the sentiment towards
/// the topic (positive, negative, neutral; "irrelevant" records are left out and counted).
pub fn read_sanders(path: &Path) -> Result<LabelledTexts, RecordError> {
    let shown = path.display().to_string();
    let (mut src, _) = source::open(path, &shown, source::ReadLimits::default())?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&mut src.reader);
    let mut out = Vec::new();
    let mut irrelevant = 0;
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| {
            let at = e.position().map_or(line, |p| p.line());
            RecordError::new(&shown, at, format!("is not a CSV record ({e})"))
        })?;
        let at = record.position().map_or(line, |p| p.line());
        if record.len() != 5 {
            return Err(RecordError::new(
                &shown,
                at,
                format!(
                    "has {} fields, not the 5 of Sanders (Topic, Sentiment, TweetId, TweetDate, TweetText)",
                    record.len()
                ),
            ));
        }
        let (positive, negative) = match record[1].trim().to_lowercase().as_str() {
            "positive" => (true, false),
            "negative" => (false, true),
            "neutral" => (false, false),
            "irrelevant" => {
                irrelevant += 1;
                continue;
            }
            _ => {
                return Err(RecordError::new(
                    &shown,
                    at,
                    "is not positive, negative, neutral or irrelevant",
                )
                .field("Sentiment")
                .value(&record[1]))
            }
        };
        let topic = record[0].trim();
        if topic.is_empty() {
            return Err(RecordError::new(&shown, at, "is empty").field("Topic"));
        }
        out.push(PolarityLabelled {
            id: record[2].trim().to_owned(),
            text: record[4].to_owned(),
            positive,
            negative,
            ironic: false,
            target: Some(topic.to_owned()),
        });
    }
    if out.is_empty() {
        return Err(RecordError::new(&shown, 0, "holds no labelled texts"));
    }
    Ok(LabelledTexts {
        texts: out,
        layout: "Sanders",
        language: "en",
        mixed: false,
        left_out: (irrelevant > 0)
            .then_some((irrelevant, "irrelevant (not English or off the topic)")),
    })
}

/// The texts of a file: the `"text"` field of each JSON object line that has one (posts in
/// socialset's JSON Lines format, tweets as the APIs save them), or, for a line that is not
/// JSON, the line itself. Blank lines are skipped; gzip or not.
pub fn read_texts(path: &Path) -> Result<Vec<String>, RecordError> {
    Ok(texts_with_ids(path)?.into_iter().map(|(_, t)| t).collect())
}

/// The texts of a file as `read_texts` finds them, each with its object's `"id"` (or
/// `"id_str"`) where it has one.
pub fn read_texts_with_ids(path: &Path) -> Result<Vec<(Option<String>, String)>, RecordError> {
    texts_with_ids(path)
}

fn texts_with_ids(path: &Path) -> Result<Vec<(Option<String>, String)>, RecordError> {
    let (file, lines) = lines(path)?;
    let mut out = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(t) {
                let text = v
                    .get("text")
                    .or_else(|| v.get("full_text"))
                    .and_then(serde_json::Value::as_str);
                if let Some(text) = text {
                    let id = match v.get("id_str").or_else(|| v.get("id")) {
                        Some(serde_json::Value::String(s)) => Some(s.clone()),
                        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                        _ => None,
                    };
                    out.push((id, text.to_owned()));
                }
                continue;
            }
        }
        out.push((None, t.to_owned()));
    }
    if out.is_empty() {
        return Err(RecordError::new(&file, 0, "holds no texts"));
    }
    Ok(out)
}

/// Stance labels per tweet id, as RumourEval 2017's subtask A files give them (a JSON object
/// of tweet id to `support`, `deny`, `query` or `comment`): the file `path`, or every `.json`
/// file of the folder `path`, in name order. Errors name the file (and the id of a label that
/// is not a stance).
pub fn read_stance_labels(path: &Path) -> Result<Vec<(String, String)>, RecordError> {
    let shown = path.display().to_string();
    let mut files: Vec<std::path::PathBuf> = if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        let entries = std::fs::read_dir(path)
            .map_err(|e| RecordError::fatal(&shown, 0, format!("cannot read the folder: {e}")))?;
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect()
    };
    files.sort();
    let mut out = Vec::new();
    for path in &files {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| RecordError::fatal(&file, 0, format!("cannot read: {e}")))?;
        let labels: std::collections::BTreeMap<String, String> = serde_json::from_str(&text)
            .map_err(|e| {
                RecordError::new(
                    &file,
                    e.line() as u64,
                    format!("is not a JSON object of tweet id to stance: {e}"),
                )
            })?;
        for (id, stance) in labels {
            if !matches!(stance.as_str(), "support" | "deny" | "query" | "comment") {
                return Err(
                    RecordError::new(&file, 0, "is not support, deny, query or comment")
                        .field(id)
                        .value(&stance),
                );
            }
            out.push((id, stance));
        }
    }
    if out.is_empty() {
        return Err(RecordError::new(
            &shown,
            0,
            "holds no stance labels (.json files)",
        ));
    }
    Ok(out)
}

/// A real post annotated as a question, an answer or other (tests/data/ugc's rules).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct AnnotatedQa {
    pub id: String,
    pub text: String,
    /// The text of the post it replies to, when it is a reply.
    #[serde(default)]
    pub parent_text: Option<String>,
    /// `question`, `answer` or `other`.
    pub label: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Reads posts annotated as questions and answers, one JSON object per line; errors name
/// file, line and field.
pub fn read_annotated_qa(path: &Path) -> Result<Vec<AnnotatedQa>, RecordError> {
    let (file, posts) = json_lines::<AnnotatedQa>(path)?;
    for (line, post) in &posts {
        if !matches!(post.label.as_str(), "question" | "answer" | "other") {
            return Err(
                RecordError::new(&file, *line, "is not question, answer or other")
                    .field("label")
                    .value(&post.label),
            );
        }
    }
    Ok(posts.into_iter().map(|(_, p)| p).collect())
}

/// The follower bands of the Gilani et al. layout, smallest first.
pub const GILANI_BANDS: [&str; 4] = ["1k", "100k", "1M", "10M"];

/// Reads a directory in the Gilani et al. layout: `bots/bots.<band>.csv` and
/// `humans/humans.<band>.csv` for each band in [`GILANI_BANDS`]; a missing file is an error.
pub fn read_gilani_dir(dir: &Path, skip_bad: bool) -> Result<LabelledRead, RecordError> {
    let mut out = LabelledRead::default();
    for (folder, bot) in [("bots", true), ("humans", false)] {
        for band in GILANI_BANDS {
            let path = dir.join(folder).join(format!("{folder}.{band}.csv"));
            if !path.exists() {
                return Err(RecordError::fatal(
                    &path.display().to_string(),
                    0,
                    "is missing: expected bots/bots.<band>.csv and humans/humans.<band>.csv for bands 1k, 100k, 1M, 10M",
                ));
            }
            let read = read_gilani_file(&path, bot, band, skip_bad)?;
            out.rows.extend(read.rows);
            out.skipped.extend(read.skipped);
        }
    }
    Ok(out)
}

/// Reads claims labelled true or false: a tab- or comma-separated file with a header naming
/// the claim's column (`thread_id`, `post`, `post_id`, `claim` or `id`: a source post's id)
/// and its label (the first column named `veracity…` or `label`), as RumourEval's
/// `veracity_labels.tsv` is. Labels are lower-cased (true, false, unverified, fake, real…);
/// errors name file, line and field.
pub fn read_claim_labels(path: &Path) -> Result<Vec<(String, String)>, RecordError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| RecordError::fatal(&shown, 0, format!("cannot read: {e}")))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(RecordError::new(
            &shown,
            1,
            "is empty: a header and labelled claims are expected",
        ));
    };
    let tab = header.contains('\t');
    let split = |l: &str| -> Vec<String> {
        l.split(if tab { '\t' } else { ',' })
            .map(|f| f.trim().trim_matches('"').to_owned())
            .collect()
    };
    let names: Vec<String> = split(header)
        .into_iter()
        .map(|n| n.to_lowercase())
        .collect();
    let id = ["thread_id", "post", "post_id", "claim", "id"]
        .iter()
        .find_map(|want| names.iter().position(|n| n == want));
    let label = names
        .iter()
        .position(|n| n.starts_with("veracity") || n == "label");
    let (Some(id), Some(label)) = (id, label) else {
        return Err(RecordError::new(
            &shown,
            1,
            "is no header naming the claim (thread_id, post, post_id, claim or id) and its label (veracity… or label)",
        )
        .value(header));
    };
    let mut out = Vec::new();
    for (i, l) in lines {
        let fields = split(l);
        let line = i as u64 + 1;
        let get = |k: usize, name: &str| {
            fields
                .get(k)
                .filter(|f| !f.is_empty())
                .cloned()
                .ok_or_else(|| {
                    RecordError::new(&shown, line, "is missing")
                        .field(name)
                        .value(l)
                })
        };
        out.push((
            get(id, &names[id])?,
            get(label, &names[label])?.to_lowercase(),
        ));
    }
    if out.is_empty() {
        return Err(RecordError::new(&shown, 2, "holds no labelled claims"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    const HEADER: &str = "screen_name,user_tweeted,user_retweeted,user_favourited,user_replied,likes_per_tweet,retweets_per_tweet,lists_per_user,follower_friend_ratio,tweet_frequency,favourite_tweet_ratio,age_of_account_in_days,sources_count,urls_count,cdn_content_in_kb,source_identity";

    #[test]
    fn reads_a_gilani_row_with_its_clients() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = write(
            dir.path(),
            "bots.1k.csv",
            &format!("{HEADER}\n01yu_nagi, 14, 2, 44127.0625, 6, 0.0, 0.0, 0.0078, 1.28, 41.26, 0.0, 1396.1, 2, 2, 31.6,[2;0]\n"),
        );
        let rows = read_gilani_file(&p, true, "1k", false).expect("valid").rows;
        assert_eq!(rows.len(), 1);
        let s = &rows[0].summary;
        assert_eq!(s.name, "01yu_nagi");
        assert_eq!(s.originals, Some(14.0));
        assert_eq!(s.reposts, Some(2.0));
        assert_eq!(s.replies, Some(6.0));
        assert_eq!(s.follower_decade, Some(3));
        assert_eq!(s.clients, Some(vec![ClientType::Mobile, ClientType::Other]));
    }

    #[test]
    fn bad_values_name_file_line_and_field() {
        let dir = tempfile::tempdir().expect("tmp");
        let row = |age: &str, ids: &str| {
            format!("{HEADER}\nok, 1, 2, 3, 4, 0.0, 0.0, 0.1, 1.0, 2.0, 0.0, 100, 1, 1, 1.0,[1]\nbad, 1, 2, 3, 4, 0.0, 0.0, 0.1, 1.0, 2.0, 0.0, {age}, 1, 1, 1.0,{ids}\n")
        };
        for (age, ids, field, problem) in [
            ("", "[1]", "age_of_account_in_days", "is missing"),
            ("old", "[1]", "age_of_account_in_days", "is not a number"),
            ("-3", "[1]", "age_of_account_in_days", "at least 0"),
            ("1e9", "[1]", "age_of_account_in_days", "plausible"),
            ("NaN", "[1]", "age_of_account_in_days", "finite"),
            ("100", "[9]", "source_identity", "0-6"),
            ("100", "2", "source_identity", "list"),
        ] {
            let p = write(dir.path(), "f.csv", &row(age, ids));
            let e = read_gilani_file(&p, false, "1k", false).expect_err("bad row");
            let msg = e.to_string();
            assert!(msg.contains("f.csv:3: "), "{msg}");
            assert!(msg.contains(&format!("field \"{field}\"")), "{msg}");
            assert!(msg.contains(problem), "{msg}");
            let skipped = read_gilani_file(&p, false, "1k", true).expect("skips");
            assert_eq!(skipped.rows.len(), 1);
            assert_eq!(skipped.skipped.len(), 1);
            assert_eq!(skipped.skipped[0].to_string(), msg);
        }
        let p = write(dir.path(), "short.csv", &format!("{HEADER}\nx, 1, 2\n"));
        let msg = read_gilani_file(&p, false, "1k", false)
            .expect_err("short")
            .to_string();
        assert!(
            msg.contains("short.csv:2: has 3 fields, expected 16"),
            "{msg}"
        );
        let p = write(dir.path(), "h.csv", "name,bot\nx,1\n");
        assert!(read_gilani_file(&p, false, "1k", true)
            .expect_err("header")
            .to_string()
            .contains("h.csv:1: header is not"));
    }

    #[test]
    fn labels_accept_common_spellings_and_refuse_contradictions() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = write(
            dir.path(),
            "l.csv",
            "account,label\ntw:a,bot\ntw:b, human\n# note\ntw:c\t1\ntw:a,1\n",
        );
        let labels = read_account_labels(&p).expect("valid");
        assert_eq!(
            labels
                .iter()
                .map(|l| (l.account.as_str(), l.bot))
                .collect::<Vec<_>>(),
            [("tw:a", true), ("tw:b", false), ("tw:c", true)]
        );
        let p = write(dir.path(), "c.csv", "tw:a,bot\ntw:a,human\n");
        let msg = read_account_labels(&p)
            .expect_err("contradiction")
            .to_string();
        assert!(
            msg.contains("c.csv:2: field \"label\": contradicts line 1"),
            "{msg}"
        );
        let p = write(dir.path(), "m.csv", "tw:a,maybe\n");
        assert!(read_account_labels(&p)
            .expect_err("bad")
            .to_string()
            .contains("m.csv:1: field \"label\""));
        let p = write(dir.path(), "bin.csv", "tw:a,bot\n");
        std::fs::write(&p, b"tw:\xff,bot\n").expect("write");
        assert!(read_account_labels(&p)
            .expect_err("utf8")
            .to_string()
            .contains("not UTF-8"));
    }
}
