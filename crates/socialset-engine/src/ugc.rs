//! User-generated value as engine calls: every post classified (question, answer,
//! complaint, praise, review, mention) with its sentiment and the cues behind it, filtered;
//! questions threaded with their answers and the best one chosen (`ugc`); and every
//! account's value created against value consumed, as a prosumer segment (`segments`).

use socialset_analysis::sentiment::{Language, Polarity};
use socialset_analysis::ugc::{
    answers_a_question, classify_post, thread_questions, Segment, UgcKind, ValueCounts,
};
use socialset_model::{InteractionKind, PostKind, Timestamp};

use crate::{sentiment, Result, TimeWindow, Workspace};

/// What to capture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UgcOptions {
    pub kind: Option<UgcKind>,
    pub sentiment: Option<Polarity>,
    pub language: Option<Language>,
    /// Posts about a brand: mentioning its account (id or handle) or naming it in the text.
    pub brand: Option<String>,
    /// A full-text query (tantivy's syntax: all words by default, "phrases", OR, -word),
    /// matched on stemmed Italian and English text; results by relevance.
    pub query: Option<String>,
    pub window: TimeWindow,
    /// How many items to return (threads are not limited).
    pub top: usize,
}

/// One captured post.
#[derive(Clone, Debug, PartialEq)]
pub struct UgcItem {
    pub post: String,
    pub author: String,
    pub handle: Option<String>,
    pub at: Option<Timestamp>,
    pub text: String,
    pub kind: UgcKind,
    pub reasons: Vec<String>,
    pub polarity: Polarity,
    pub score: f64,
    pub language: Language,
    /// Engagement it received: likes and shares on record, replies and interactions with it.
    pub engagement: u64,
    /// Other posts of the window that say nearly the same (MinHash on word 3-grams), listed
    /// under this one, the most engaged of them.
    pub duplicates: usize,
    /// The abusive terms it holds (`socialset_analysis::ugc::abusive_terms`); empty when none.
    pub abusive: Vec<&'static str>,
    /// With a brand asked for: how the post speaks of it (`Scope::name`: "whole text", "its
    /// clauses", "compared", "not named" when only its account is mentioned); the polarity
    /// and score are then towards the brand.
    pub towards: Option<&'static str>,
}

/// A brand asked for: its names (the name given, its account's handle) and the other brands
/// known (accounts marked as brands, the workspace's config `brands`).
struct BrandTarget {
    names: Vec<String>,
    others: Vec<String>,
    account: Option<String>,
}

impl BrandTarget {
    /// Whether post `i` is about the brand: names it in the text or mentions its account.
    fn about(&self, data: &crate::social::SocialData, i: usize, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.names.iter().any(|n| lower.contains(n.as_str()))
            || self
                .account
                .as_ref()
                .is_some_and(|id| data.threads[i].mentions.iter().any(|m| m == id))
    }
}

/// A question and its answers.
#[derive(Clone, Debug, PartialEq)]
pub struct UgcThread {
    pub question: UgcItem,
    pub answers: usize,
    /// Answers left out of the choice of the best because they are abusive.
    pub abusive_answers: usize,
    pub best: Option<UgcItem>,
}

/// Captured posts, the count of each kind (before the filters), and the threads whose
/// question passes the filters.
#[derive(Clone, Debug, PartialEq)]
pub struct UgcReport {
    pub posts: usize,
    pub by_kind: Vec<(UgcKind, usize)>,
    pub items: Vec<UgcItem>,
    /// Posts matching the filters (near-duplicates counted each), before `top`.
    pub matching: usize,
    pub threads: Vec<UgcThread>,
}

/// An account's prosumer figures.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountValue {
    pub id: String,
    pub handle: Option<String>,
    pub counts: ValueCounts,
    pub segment: Segment,
}

/// Every account's segment, and how many fall in each.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentsReport {
    pub accounts: Vec<AccountValue>,
    pub by_segment: Vec<(Segment, usize)>,
}

impl SegmentsReport {
    /// The accounts of `segment` (all without one), most active first (value created plus
    /// consumed; ties by id).
    pub fn most_active(&self, segment: Option<Segment>) -> Vec<&AccountValue> {
        let mut out: Vec<&AccountValue> = self
            .accounts
            .iter()
            .filter(|a| segment.is_none_or(|s| a.segment == s))
            .collect();
        out.sort_by(|a, b| {
            (b.counts.created() + b.counts.consumed())
                .cmp(&(a.counts.created() + a.counts.consumed()))
                .then(a.id.cmp(&b.id))
        });
        out
    }
}

/// Each loaded post's (author, the post it replies to), and whether it asks a question
/// (shares never do): what threads and answers are built from.
fn conversation(data: &crate::social::SocialData) -> (Vec<(u32, Option<usize>)>, Vec<bool>) {
    let chain = data
        .posts
        .iter()
        .zip(&data.threads)
        .map(|(p, t)| (p.author.0, t.reply_to.map(|r| r as usize)))
        .collect();
    let is_question = data
        .posts
        .iter()
        .zip(&data.activity)
        .map(|(p, a)| {
            a.kind != PostKind::Share
                && socialset_analysis::ugc::question_cue(p.text.as_deref().unwrap_or("")).is_some()
        })
        .collect();
    (chain, is_question)
}

impl Workspace {
    fn brand_target(&self, data: &crate::social::SocialData, brand: &str) -> Result<BrandTarget> {
        let name = brand.trim().trim_start_matches('@').to_lowercase();
        let found = data.find(&name).ok().map(|x| &data.accounts[x.0 as usize]);
        let mut names = vec![name];
        if let Some(h) = found.and_then(|a| a.handle.as_deref()) {
            names.push(h.trim_start_matches('@').to_lowercase());
        }
        names.dedup();
        let mut others: Vec<String> = data
            .accounts
            .iter()
            .filter(|a| a.is_brand == Some(true))
            .filter_map(|a| a.handle.as_deref())
            .chain(self.config_brands()?.iter().map(|(_, _, b)| b.as_str()))
            .map(|b| b.trim().trim_start_matches('@').to_lowercase())
            .filter(|b| !b.is_empty() && !names.contains(b))
            .collect();
        others.sort();
        others.dedup();
        Ok(BrandTarget {
            names,
            others,
            account: found.map(|a| a.id.as_str().to_owned()),
        })
    }

    /// Classifies every post of the window, threads questions with their answers (the best
    /// answer: the most engagement, ln(1 + engagement), plus its author's influence
    /// percentile, 0–1, where the store has interactions to rank on), and returns the posts
    /// that pass the filters, most engaged first.
    pub fn ugc(&self, options: &UgcOptions) -> Result<UgcReport> {
        let data = self.load_social(&options.window)?;
        let n = data.posts.len();
        // Engagement per post: likes and shares on record, plus replies and interactions.
        let mut engagement: Vec<u64> = data
            .activity
            .iter()
            .map(|a| a.likes.unwrap_or(0) + a.shares.unwrap_or(0))
            .collect();
        for t in &data.threads {
            if let Some(p) = t.reply_to {
                engagement[p as usize] += 1;
            }
        }
        for e in &data.events {
            if let Some(p) = e.post {
                if e.kind != InteractionKind::Reply {
                    engagement[p as usize] += 1;
                }
            }
        }
        let texts: Vec<&str> = data
            .posts
            .iter()
            .map(|p| p.text.as_deref().unwrap_or(""))
            .collect();
        let mut scored: Vec<sentiment::SentimentReport> =
            texts.iter().map(|t| sentiment::sentiment(t)).collect();
        // With a brand: the posts about it (naming it or mentioning its account), each read
        // towards the brand where it also speaks of other accounts or brands.
        let brand = match options.brand.as_deref() {
            Some(b) => Some(self.brand_target(&data, b)?),
            None => None,
        };
        let mut towards: Vec<Option<&'static str>> = vec![None; n];
        if let Some(b) = &brand {
            for i in (0..n).filter(|&i| b.about(&data, i, texts[i])) {
                // Read again only where part of the post speaks of the brand.
                let scope = socialset_analysis::sentiment::scope(texts[i], &b.names, &b.others);
                let language = scored[i].language;
                towards[i] = Some(scope.name());
                if let Some(part) = sentiment::read_scope(texts[i], &scope, |t| {
                    sentiment::sentiment_in(t, language, sentiment::SentimentModel::Trained)
                }) {
                    scored[i] = part;
                }
            }
        }
        let (chain, is_question) = conversation(&data);
        let answers = answers_a_question(&chain, &is_question);
        let classified: Vec<(UgcKind, Vec<String>)> = (0..n)
            .map(|i| {
                let addressed = !data.threads[i].mentions.is_empty()
                    || data.activity[i].kind == PostKind::Reply;
                classify_post(texts[i], scored[i].polarity, answers[i], addressed)
            })
            .collect();
        // Authority: the author's influence percentile, when there is something to rank.
        let authority: Vec<f64> = match self.ranking(&crate::RankOptions::default()) {
            Ok((_, _, ranking)) => {
                let mut order: Vec<usize> = (0..ranking.scores.len()).collect();
                order.sort_by(|&a, &b| ranking.scores[a].total_cmp(&ranking.scores[b]));
                let mut pct = vec![0.0; ranking.scores.len()];
                let m = order.len().max(1) as f64;
                for (r, &v) in order.iter().enumerate() {
                    pct[v] = r as f64 / m;
                }
                pct
            }
            Err(_) => vec![0.0; data.accounts.len()],
        };
        let abusive: Vec<Vec<&'static str>> = texts
            .iter()
            .map(|t| socialset_analysis::ugc::abusive_terms(t))
            .collect();
        // An abusive answer is never the best, however engaged.
        let answer_score: Vec<f64> = (0..n)
            .map(|i| {
                if !abusive[i].is_empty() {
                    return f64::NEG_INFINITY;
                }
                (1.0 + engagement[i] as f64).ln()
                    + authority
                        .get(data.posts[i].author.0 as usize)
                        .copied()
                        .unwrap_or(0.0)
            })
            .collect();
        // Near-duplicates (shares aside) grouped; each group listed once, by its most engaged.
        let group = socialset_analysis::near_duplicate_groups(
            &texts,
            &socialset_analysis::NearDuplicateConfig::default(),
        );
        let mut group_size = vec![0usize; n];
        for i in (0..n).filter(|&i| data.activity[i].kind != PostKind::Share) {
            group_size[group[i]] += 1;
        }
        let item = |i: usize| -> UgcItem {
            let a = &data.accounts[data.posts[i].author.0 as usize];
            UgcItem {
                post: data.threads[i].id.as_str().to_owned(),
                author: a.id.as_str().to_owned(),
                handle: a.handle.clone(),
                at: data.activity[i].at,
                text: texts[i].to_owned(),
                kind: classified[i].0,
                reasons: classified[i].1.clone(),
                polarity: scored[i].polarity,
                score: scored[i].score,
                language: scored[i].language,
                engagement: engagement[i],
                duplicates: group_size[group[i]].saturating_sub(1),
                abusive: abusive[i].clone(),
                towards: towards[i],
            }
        };
        // Full-text search, when asked: the matching posts and their relevance.
        let relevance: Option<Vec<Option<f32>>> = match options.query.as_deref() {
            Some(q) if !q.trim().is_empty() => {
                let searchable: Vec<usize> = (0..n)
                    .filter(|&i| data.activity[i].kind != PostKind::Share)
                    .collect();
                let docs: Vec<(&str, Language)> = searchable
                    .iter()
                    .map(|&i| (texts[i], scored[i].language))
                    .collect();
                let index = crate::search::TextIndex::build(&docs)?;
                let mut r = vec![None; n];
                for (pos, score) in index.search(q, docs.len())? {
                    r[searchable[pos]] = Some(score);
                }
                Some(r)
            }
            _ => None,
        };
        let keep = |i: usize| -> bool {
            if data.activity[i].kind == PostKind::Share {
                return false;
            }
            if options.kind.is_some_and(|k| k != classified[i].0) {
                return false;
            }
            if options.sentiment.is_some_and(|s| s != scored[i].polarity) {
                return false;
            }
            if options.language.is_some_and(|l| l != scored[i].language) {
                return false;
            }
            if brand.is_some() && towards[i].is_none() {
                return false;
            }
            relevance.as_ref().is_none_or(|r| r[i].is_some())
        };
        let mut chosen: Vec<usize> = (0..n).filter(|&i| keep(i)).collect();
        match &relevance {
            // With a query, the most relevant first; else the most engaged.
            Some(r) => chosen.sort_by(|&a, &b| {
                r[b].unwrap_or(0.0)
                    .total_cmp(&r[a].unwrap_or(0.0))
                    .then(a.cmp(&b))
            }),
            None => chosen.sort_by(|&a, &b| engagement[b].cmp(&engagement[a]).then(a.cmp(&b))),
        }
        let matching = chosen.len();
        let mut seen_group = vec![false; n];
        chosen.retain(|&i| !std::mem::replace(&mut seen_group[group[i]], true));
        // The questions and answers obey the same filters: a thread is listed when its
        // question passes them.
        let threads = thread_questions(&chain, &is_question, &answer_score)
            .into_iter()
            .filter(|t| !t.answers.is_empty() && keep(t.question))
            .map(|t| UgcThread {
                question: item(t.question),
                answers: t.answers.len(),
                abusive_answers: t
                    .answers
                    .iter()
                    .filter(|&&a| !abusive[a].is_empty())
                    .count(),
                best: t.best.filter(|&b| abusive[b].is_empty()).map(item),
            })
            .collect();
        let by_kind = UgcKind::ALL
            .into_iter()
            .map(|k| {
                (
                    k,
                    (0..n)
                        .filter(|&i| {
                            data.activity[i].kind != PostKind::Share && classified[i].0 == k
                        })
                        .count(),
                )
            })
            .collect();
        Ok(UgcReport {
            posts: n,
            by_kind,
            items: chosen
                .into_iter()
                .take(options.top.max(1))
                .map(item)
                .collect(),
            matching,
            threads,
        })
    }

    /// Every account's value created (posts, answers, shares received) against value
    /// consumed (shares, likes and replies given, from the interactions on record), and its
    /// segment (`ValueCounts::segment`).
    pub fn segments(&self, window: &TimeWindow) -> Result<SegmentsReport> {
        let data = self.load_social(window)?;
        let n = data.accounts.len();
        let mut counts = vec![ValueCounts::default(); n];
        let (chain, is_question) = conversation(&data);
        let answers = answers_a_question(&chain, &is_question);
        for (i, p) in data.posts.iter().enumerate() {
            let c = &mut counts[p.author.0 as usize];
            match data.activity[i].kind {
                PostKind::Original | PostKind::Quote => c.posts += 1,
                PostKind::Reply if answers[i] => c.answers += 1,
                _ => {}
            }
        }
        let mut reply_events = vec![0u64; n];
        for e in data.events.iter().filter(|e| e.src != e.dst) {
            match e.kind {
                InteractionKind::Share => {
                    counts[e.src.0 as usize].shares_given += 1;
                    counts[e.dst.0 as usize].shares_received += 1;
                }
                InteractionKind::Like => counts[e.src.0 as usize].likes_given += 1,
                InteractionKind::Reply => reply_events[e.src.0 as usize] += 1,
                InteractionKind::Quote | InteractionKind::Mention => {}
            }
        }
        for (c, r) in counts.iter_mut().zip(reply_events) {
            // Replies that answer a question are created value, not consumed.
            c.replies_given = r.saturating_sub(c.answers);
        }
        let accounts: Vec<AccountValue> = data
            .accounts
            .iter()
            .zip(&counts)
            .map(|(a, c)| AccountValue {
                id: a.id.as_str().to_owned(),
                handle: a.handle.clone(),
                counts: *c,
                segment: c.segment(),
            })
            .collect();
        let by_segment = Segment::ALL
            .into_iter()
            .map(|s| (s, accounts.iter().filter(|a| a.segment == s).count()))
            .collect();
        Ok(SegmentsReport {
            accounts,
            by_segment,
        })
    }
}

/// Precision and recall of one class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassScore {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl ClassScore {
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted.max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold.max(1) as f64
    }
}

/// Question and answer detection against hand-annotated posts.
#[derive(Clone, Debug, PartialEq)]
pub struct QaEval {
    pub posts: usize,
    pub question: ClassScore,
    pub answer: ClassScore,
    /// (id, gold, predicted, text) of every post the detector got wrong.
    pub misses: Vec<(String, String, String, String)>,
}

/// Question detection against stance labels given by others: RumourEval 2017's annotators
/// marked each reply in PHEME's rumour threads as supporting, denying, querying (asking for
/// evidence) or commenting on the rumour.
#[derive(Clone, Debug, PartialEq)]
pub struct StanceEval {
    /// Posts with a stance label.
    pub posts: usize,
    /// Per stance: posts, and how many of them the detector calls questions.
    pub by_stance: Vec<(String, usize, usize)>,
    /// Questions found against the posts labelled `query`.
    pub query: ClassScore,
}

/// Scores question detection on the posts of `posts` (texts with ids: socialset's JSON Lines
/// or tweets; `tw:` and other prefixes are ignored when joining) that have a stance in the
/// RumourEval files of `stance_dir`.
pub fn eval_stance_questions(
    posts: &std::path::Path,
    stance_dir: &std::path::Path,
) -> Result<StanceEval> {
    let stance: std::collections::HashMap<String, String> =
        socialset_ingest::read_stance_labels(stance_dir)
            .map_err(crate::Error::BadInput)?
            .into_iter()
            .collect();
    let texts = socialset_ingest::read_texts_with_ids(posts).map_err(crate::Error::BadInput)?;
    let mut by_stance: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut query = ClassScore {
        gold: 0,
        predicted: 0,
        correct: 0,
    };
    let mut n = 0;
    for (id, text) in &texts {
        let Some(label) = id
            .as_deref()
            .and_then(|id| stance.get(id.rsplit(':').next().unwrap_or(id)))
        else {
            continue;
        };
        n += 1;
        let q = socialset_analysis::ugc::question_cue(text).is_some();
        let e = by_stance.entry(label.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(q);
        let gold = label == "query";
        query.gold += usize::from(gold);
        query.predicted += usize::from(q);
        query.correct += usize::from(gold && q);
    }
    if n == 0 {
        return Err(crate::Error::Usage(format!(
            "no post of {} has a stance in {}: the ids do not meet",
            posts.display(),
            stance_dir.display()
        )));
    }
    Ok(StanceEval {
        posts: n,
        by_stance: by_stance.into_iter().map(|(k, (a, b))| (k, a, b)).collect(),
        query,
    })
}

/// Scores question and answer detection on annotated posts (tests/data/ugc): a question by
/// `question_cue`; an answer when the post is no question and its parent is one, as `ugc`
/// decides them.
pub fn eval_qa(path: &std::path::Path) -> Result<QaEval> {
    let posts = socialset_ingest::read_annotated_qa(path).map_err(crate::Error::BadInput)?;
    let mut question = ClassScore {
        gold: 0,
        predicted: 0,
        correct: 0,
    };
    let mut answer = question;
    let mut misses = Vec::new();
    for p in &posts {
        let q = socialset_analysis::ugc::question_cue(&p.text).is_some();
        let a = !q
            && p.parent_text
                .as_deref()
                .is_some_and(|t| socialset_analysis::ugc::question_cue(t).is_some());
        let predicted = if q {
            "question"
        } else if a {
            "answer"
        } else {
            "other"
        };
        for (score, name) in [(&mut question, "question"), (&mut answer, "answer")] {
            score.gold += usize::from(p.label == name);
            score.predicted += usize::from(predicted == name);
            score.correct += usize::from(p.label == name && predicted == name);
        }
        if predicted != p.label {
            misses.push((
                p.id.clone(),
                p.label.clone(),
                predicted.to_owned(),
                p.text.clone(),
            ));
        }
    }
    Ok(QaEval {
        posts: posts.len(),
        question,
        answer,
        misses,
    })
}
