//! Trust from explicit ratings as engine calls: fairness, goodness and EigenTrust per account
//! with their evidence, and the held-out evaluation of rating prediction.

use std::path::Path;

use socialset_analysis::{eigentrust, fairness_goodness, roc_auc, RatingEdge, TrustPredictor};
use socialset_graph::SplitMix64;

use crate::{Error, ImportObserver, ImportOptions, Result, Workspace};

/// How to compute trust.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustOptions {
    /// Accounts listed, most trusted first (0: all).
    pub top: usize,
    /// EigenTrust's pre-trusted accounts (ids or handles); none: uniform.
    pub pretrusted: Vec<String>,
    /// EigenTrust's teleport weight toward the pre-trusted accounts.
    pub alpha: f64,
    /// Ratings an account needs before its trust counts fully: trust = goodness · n/(n + k).
    pub evidence_half: f64,
    /// List only this account (id or handle, case-insensitive); every account is still
    /// scored against the others.
    pub account: Option<String>,
}

impl TrustOptions {
    /// Whether a line of this id and handle is to be listed.
    fn lists(&self, id: &str, handle: Option<&str>) -> bool {
        self.account.as_deref().is_none_or(|a| {
            let wanted = a.trim().trim_start_matches('@').to_lowercase();
            id.to_lowercase() == wanted || handle.is_some_and(|h| h.to_lowercase() == wanted)
        })
    }
}

impl Default for TrustOptions {
    fn default() -> Self {
        Self {
            top: 20,
            pretrusted: Vec::new(),
            alpha: 0.15,
            evidence_half: 5.0,
            account: None,
        }
    }
}

/// One account's trust with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustLine {
    pub id: String,
    pub handle: Option<String>,
    /// Goodness shrunk toward 0 by the evidence: goodness · n/(n + k); what the list is sorted by.
    pub trust: f64,
    /// Kumar et al.'s goodness, −1…+1 (ratings scaled by the largest absolute rating).
    pub goodness: f64,
    /// Kumar et al.'s fairness as a rater, 0…1 (1 for an account that rated nobody).
    pub fairness: f64,
    /// EigenTrust share (sums to 1 over all accounts).
    pub eigentrust: f64,
    pub ratings_received: u32,
    pub ratings_given: u32,
    /// Share of the ratings received that are positive.
    pub positive_received: Option<f64>,
}

/// Trust in a store.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustReport {
    pub ratings: usize,
    pub rated_accounts: usize,
    /// The largest absolute rating: ratings are divided by it.
    pub scale: f64,
    pub iterations: u32,
    pub converged: bool,
    pub pretrusted: Vec<String>,
    pub accounts: Vec<TrustLine>,
}

/// A rating between dense account indices, on the source's scale: (src, dst, value).
type DenseRating = (u32, u32, f64);

/// Ratings of a store as dense edges scaled to −1…+1, and the scale.
fn scaled(ratings: &[DenseRating]) -> (Vec<RatingEdge>, f64) {
    let scale = ratings
        .iter()
        .map(|r| r.2.abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    (
        ratings
            .iter()
            .map(|&(src, dst, v)| RatingEdge {
                src,
                dst,
                value: v / scale,
            })
            .collect(),
        scale,
    )
}

impl Workspace {
    fn dense_ratings(&self) -> Result<(crate::social::SocialData, Vec<DenseRating>)> {
        let data = self.load_social(&crate::TimeWindow::default())?;
        let mut out = Vec::new();
        let index = data.stored_index();
        for r in self.store.ratings()? {
            let (Some(s), Some(d)) = (index(r.src.0), index(r.dst.0)) else {
                return Err(Error::Store(socialset_store::Error::Corrupt {
                    what: "rating endpoint",
                    detail: format!(
                        "account {} or {} is referenced but not stored",
                        r.src.0, r.dst.0
                    ),
                }));
            };
            out.push((s, d, r.value));
        }
        drop(index);
        Ok((data, out))
    }

    /// Fairness, goodness and EigenTrust of every rated account, most trusted first.
    pub fn trust(&self, options: &TrustOptions) -> Result<TrustReport> {
        let (data, ratings) = self.dense_ratings()?;
        if ratings.is_empty() {
            return Err(Error::Usage(
                "the store holds no ratings: import a ratings file first (e.g. SNAP soc-sign-bitcoin-otc)".into(),
            ));
        }
        let n = data.accounts.len();
        let (edges, scale) = scaled(&ratings);
        let fg = fairness_goodness(n, &edges, 1000, 1e-9);
        let pretrusted = options
            .pretrusted
            .iter()
            .map(|q| data.find(q).map(|i| i.0))
            .collect::<Result<Vec<u32>>>()?;
        let et = eigentrust(n, &edges, &pretrusted, options.alpha, 1000, 1e-12);
        let mut received = vec![0u32; n];
        let mut given = vec![0u32; n];
        let mut positive = vec![0u32; n];
        for e in &edges {
            received[e.dst as usize] += 1;
            given[e.src as usize] += 1;
            positive[e.dst as usize] += u32::from(e.value > 0.0);
        }
        let mut lines: Vec<TrustLine> = (0..n)
            .filter(|&i| received[i] > 0 || given[i] > 0)
            .map(|i| {
                let a = &data.accounts[i];
                let nr = f64::from(received[i]);
                TrustLine {
                    id: a.id.as_str().to_owned(),
                    handle: a.handle.clone(),
                    trust: fg.goodness[i] * nr / (nr + options.evidence_half),
                    goodness: fg.goodness[i],
                    fairness: fg.fairness[i],
                    eigentrust: et[i],
                    ratings_received: received[i],
                    ratings_given: given[i],
                    positive_received: (received[i] > 0).then(|| f64::from(positive[i]) / nr),
                }
            })
            .collect();
        let rated_accounts = lines.len();
        lines.sort_by(|a, b| b.trust.total_cmp(&a.trust).then(a.id.cmp(&b.id)));
        lines.retain(|l| options.lists(&l.id, l.handle.as_deref()));
        if options.top > 0 {
            lines.truncate(options.top);
        }
        Ok(TrustReport {
            ratings: edges.len(),
            rated_accounts,
            scale,
            iterations: fg.iterations,
            converged: fg.converged,
            pretrusted: pretrusted
                .iter()
                .map(|&i| data.accounts[i as usize].id.as_str().to_owned())
                .collect(),
            accounts: lines,
        })
    }
}

/// Quality of predicting held-out ratings.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingScores {
    pub method: String,
    pub rmse: f64,
    pub pearson: Option<f64>,
    pub sign_auc: Option<f64>,
}

/// The held-out evaluation of rating prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustEval {
    pub ratings: usize,
    pub held_out: usize,
    pub scale: f64,
    pub seed: u64,
    pub methods: Vec<RatingScores>,
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    // A constant prediction has no correlation (rounding may leave a tiny spread).
    let tiny = 1e-24 * n;
    (sxx > tiny && syy > tiny).then(|| sxy / (sxx * syy).sqrt())
}

fn scores(method: &str, predicted: &[f64], truth: &[f64]) -> RatingScores {
    let rmse = (predicted
        .iter()
        .zip(truth)
        .map(|(p, t)| (p - t).powi(2))
        .sum::<f64>()
        / truth.len().max(1) as f64)
        .sqrt();
    let positive: Vec<bool> = truth.iter().map(|&t| t > 0.0).collect();
    RatingScores {
        method: method.to_owned(),
        rmse,
        pearson: pearson(predicted, truth),
        sign_auc: roc_auc(predicted, &positive),
    }
}

/// A signed ratings file imported into a throwaway store: the number of accounts, the
/// ratings scaled to −1…+1, and the scale. At least 20 ratings.
fn rating_file(
    data: &Path,
    observer: &mut dyn ImportObserver,
) -> Result<(usize, Vec<RatingEdge>, f64)> {
    let options = ImportOptions {
        format: Some(crate::Format::RatingsCsv),
        platform: Some("eval".into()),
        ..ImportOptions::default()
    };
    let (_dir, ws) = crate::eval::scratch_workspace(data, &options, observer)?;
    let (social, ratings) = ws.dense_ratings()?;
    if ratings.len() < 20 {
        return Err(Error::Usage(format!(
            "{}: {} ratings are too few to evaluate on",
            data.display(),
            ratings.len()
        )));
    }
    let (edges, scale) = scaled(&ratings);
    Ok((social.accounts.len(), edges, scale))
}

/// Kumar et al.'s leave-one-out protocol on a ratings file: every rating predicted from all
/// the others by the global mean and by fairness × goodness; ours by 10-fold
/// cross-validation (a model per rating is out of reach; ten folds is the nearest practical
/// protocol, and slightly harder, as each prediction sees 90% of the other ratings, not all).
pub fn eval_trust_loo(
    data: &Path,
    seed: u64,
    observer: &mut dyn ImportObserver,
) -> Result<TrustEval> {
    let (n, edges, scale) = rating_file(data, observer)?;
    let truth: Vec<f64> = edges.iter().map(|e| e.value).collect();
    let total: f64 = truth.iter().sum();
    let m = truth.len() as f64;
    let mean_pred: Vec<f64> = truth.iter().map(|v| (total - v) / (m - 1.0)).collect();
    let fg_pred = socialset_analysis::loo_fairness_goodness(n, &edges, 1000, 1e-6);
    let k = 10;
    let mut order: Vec<usize> = (0..edges.len()).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    let mut ours = vec![0.0; edges.len()];
    for f in 0..k {
        let test: Vec<usize> = order.iter().copied().skip(f).step_by(k).collect();
        let mut is_test = vec![false; edges.len()];
        test.iter().for_each(|&i| is_test[i] = true);
        let train: Vec<RatingEdge> = (0..edges.len())
            .filter(|&i| !is_test[i])
            .map(|i| edges[i])
            .collect();
        let model = TrustPredictor::fit(n, &train, 5, seed).map_err(Error::Usage)?;
        let pairs: Vec<(u32, u32)> = test.iter().map(|&i| (edges[i].src, edges[i].dst)).collect();
        for (&i, p) in test.iter().zip(model.predict(&pairs)) {
            ours[i] = p;
        }
    }
    Ok(TrustEval {
        ratings: edges.len(),
        held_out: edges.len(),
        scale,
        seed,
        methods: vec![
            // The mean of the others moves against the rating left out, so its correlation is
            // −1 by construction: only its error means anything.
            RatingScores {
                pearson: None,
                sign_auc: None,
                ..scores("global mean (leave-one-out)", &mean_pred, &truth)
            },
            scores("fairness × goodness (leave-one-out)", &fg_pred, &truth),
            scores("socialset (10-fold cross-validation)", &ours, &truth),
        ],
    })
}

/// Holds out a seeded random `held_out` share of the ratings in `data` (any signed ratings
/// file: source, target, rating[, time], header optional, gzip or not), computes trust on
/// the rest, and predicts the held-out ratings scaled to −1…+1: the global mean, plain
/// fairness × goodness (100 iterations) and ours.
pub fn eval_trust(
    data: &Path,
    held_out: f64,
    seed: u64,
    observer: &mut dyn ImportObserver,
) -> Result<TrustEval> {
    if !(held_out > 0.0 && held_out < 1.0) {
        return Err(Error::Usage(
            "the held-out share must be between 0 and 1".into(),
        ));
    }
    let (n, edges, scale) = rating_file(data, observer)?;
    let mut order: Vec<usize> = (0..edges.len()).collect();
    SplitMix64::new(seed).shuffle(&mut order);
    let cut = ((edges.len() as f64) * held_out).round().max(1.0) as usize;
    let test: Vec<RatingEdge> = order[..cut].iter().map(|&i| edges[i]).collect();
    let train: Vec<RatingEdge> = order[cut..].iter().map(|&i| edges[i]).collect();
    let truth: Vec<f64> = test.iter().map(|e| e.value).collect();
    let pairs: Vec<(u32, u32)> = test.iter().map(|e| (e.src, e.dst)).collect();

    let mean = train.iter().map(|e| e.value).sum::<f64>() / train.len() as f64;
    let fg = fairness_goodness(n, &train, 100, 0.0);
    let fg_pred: Vec<f64> = pairs.iter().map(|&(s, d)| fg.predict(s, d)).collect();
    let ours = TrustPredictor::fit(n, &train, 5, seed).map_err(Error::Usage)?;
    let ours_pred = ours.predict(&pairs);
    Ok(TrustEval {
        ratings: edges.len(),
        held_out: test.len(),
        scale,
        seed,
        methods: vec![
            scores("global mean", &vec![mean; test.len()], &truth),
            scores(
                "fairness × goodness (Kumar et al. 2016, 100 iterations)",
                &fg_pred,
                &truth,
            ),
            scores(
                "socialset: stacked fairness, goodness, history and reciprocity",
                &ours_pred,
                &truth,
            ),
        ],
    })
}

/// One account's trust from interactions.
#[derive(Clone, Debug, PartialEq)]
pub struct InteractionTrustLine {
    pub id: String,
    pub handle: Option<String>,
    /// Reciprocity shrunk by the evidence: reciprocity · n/(n + k), n the talkers.
    pub trust: f64,
    pub talkers: u32,
    pub answered: u32,
    pub reciprocity: Option<f64>,
    pub questions: u32,
    pub questions_answered: u32,
    pub response_rate: Option<f64>,
    /// The mean sentiment score (−1 to +1, Italian or English) of the replies with text it
    /// received; `None` when none had text.
    pub reply_tone: Option<f64>,
    /// The replies with text that tone was read from.
    pub replies_read: u32,
}

/// Trust from interactions across a store.
#[derive(Clone, Debug, PartialEq)]
pub struct InteractionTrustReport {
    pub accounts_talked_to: usize,
    pub accounts: Vec<InteractionTrustLine>,
}

impl Workspace {
    /// Trust from interactions, for stores without ratings: who answers those who talk to it
    /// (reciprocity) and the questions they ask (response rate).
    pub fn interaction_trust(&self, options: &TrustOptions) -> Result<InteractionTrustReport> {
        let data = self.load_social(&crate::TimeWindow::default())?;
        data.require_events("compute trust from")?;
        let is_question = |post: Option<u32>| {
            post.and_then(|p| data.posts.get(p as usize))
                .and_then(|p| p.text.as_deref())
                .is_some_and(|t| t.contains('?'))
        };
        let all =
            socialset_analysis::interaction_trust(data.accounts.len(), &data.events, is_question);
        let mut lines: Vec<(usize, InteractionTrustLine)> = all
            .iter()
            .enumerate()
            .filter(|(_, t)| t.talkers > 0)
            .map(|(i, t)| {
                let a = &data.accounts[i];
                let n = f64::from(t.talkers);
                let line = InteractionTrustLine {
                    id: a.id.as_str().to_owned(),
                    handle: a.handle.clone(),
                    trust: t.reciprocity().unwrap_or(0.0) * n / (n + options.evidence_half),
                    talkers: t.talkers,
                    answered: t.answered,
                    reciprocity: t.reciprocity(),
                    questions: t.questions,
                    questions_answered: t.questions_answered,
                    response_rate: t.response_rate(),
                    reply_tone: None,
                    replies_read: 0,
                };
                (i, line)
            })
            .collect();
        let accounts_talked_to = lines.len();
        lines.sort_by(|(_, a), (_, b)| b.trust.total_cmp(&a.trust).then(a.id.cmp(&b.id)));
        lines.retain(|(_, l)| options.lists(&l.id, l.handle.as_deref()));
        if options.top > 0 {
            lines.truncate(options.top);
        }
        // The tone of the replies each listed account received (their mean sentiment score),
        // read only for the accounts listed: one page of the dashboard asks for one.
        let mut tone = vec![None::<(f64, u32)>; data.accounts.len()];
        for (i, _) in &lines {
            tone[*i] = Some((0.0, 0));
        }
        for e in &data.events {
            if e.kind != socialset_model::InteractionKind::Reply {
                continue;
            }
            let Some(t) = tone[e.dst.0 as usize].as_mut() else {
                continue;
            };
            let text = e
                .post
                .and_then(|p| data.posts.get(p as usize))
                .and_then(|p| p.text.as_deref())
                .filter(|t| !t.trim().is_empty());
            if let Some(text) = text {
                t.0 += crate::sentiment::sentiment(text).score;
                t.1 += 1;
            }
        }
        Ok(InteractionTrustReport {
            accounts_talked_to,
            accounts: lines
                .into_iter()
                .map(|(i, mut l)| {
                    if let Some((sum, read)) = tone[i] {
                        l.reply_tone = (read > 0).then(|| sum / f64::from(read));
                        l.replies_read = read;
                    }
                    l
                })
                .collect(),
        })
    }

    /// Whether the store holds any rating.
    pub fn has_ratings(&self) -> Result<bool> {
        Ok(self.store.counts()?.ratings > 0)
    }
}
