//! The authenticity audit as engine calls: bot probabilities with reasons for the accounts of
//! the store, audience and engagement quality, engagement pods, retraining the classifier on
//! the user's labels, and the evaluation on Gilani et al.'s labelled accounts.

use std::path::{Path, PathBuf};

use socialset_analysis::audit::{
    compute_features, find_pods, plant_pods, pod_recovery, publisher_signs, rebase_probability,
    summary_features, AudienceBasis, AudienceIndex, AudienceQuality, AuditModel, FeatureInput,
    FeatureRow, PlantConfig, Pod, PodConfig, PodEvidence, PodRecovery, Share, TrainParams,
    FEATURES,
};
use socialset_analysis::{brier, classification, roc_auc, stratified_folds};
use socialset_ingest::{read_account_labels, read_gilani_dir, LabelledSummary};

use crate::social::{SocialData, TimeWindow};
use crate::{Cancel, Error, Result, Workspace};

/// The default model, trained by `socialset train-audit --data ../shared/data/gilani-2017`
/// and shipped in the repository as `crates/socialset-engine/models/audit-default.json`.
const DEFAULT_MODEL: &str = include_str!("../models/audit-default.json");

/// The audit's features, in the order of `AccountAudit::features`.
pub fn feature_names() -> Vec<&'static str> {
    FEATURES.iter().map(|f| f.name).collect()
}

/// Probability at or over which an account is called automated (a likely fake or bot, or an
/// organisation or publisher when its profile says so).
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// The share of bots among the accounts a store holds, to which the model's probabilities are
/// re-based: the upper end of Varol et al.'s estimate that 9–15% of active Twitter accounts
/// are bots (ICWSM 2017). The built-in model learned from 43% bots, a mix chosen by its
/// annotators, not found in the wild; at 0.5 it would call many heavy posters bots.
pub const DEFAULT_BOT_SHARE: f64 = 0.15;

/// The fewest known features (of those the model splits on) for a verdict; with fewer, the
/// probability is reported but the account is "too little data", neither bot nor real.
pub const MIN_EVIDENCE: usize = 4;

/// What the audit concludes about an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Automated, with nothing in its profile that a fake could not have.
    LikelyBot,
    /// Automated, but its profile shows an organisation or publisher (verified, a brand, on
    /// many lists, or naming an organisation with a real following): not fake.
    Publisher,
    /// Not automated by the model's measure: a person.
    LooksReal,
    TooLittleData,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LikelyBot => "likely fake or bot",
            Self::Publisher => "organisation or publisher",
            Self::LooksReal => "human",
            Self::TooLittleData => "too little data",
        }
    }

    /// Fake (`Some(true)`), real — a person or an organisation (`Some(false)`), or unknown.
    fn as_option(self) -> Option<bool> {
        match self {
            Self::LikelyBot => Some(true),
            Self::Publisher | Self::LooksReal => Some(false),
            Self::TooLittleData => None,
        }
    }

    /// How suspicious, for listing: fakes first, then publishers, people, and accounts
    /// without a verdict.
    fn order(self) -> u8 {
        match self {
            Self::LikelyBot => 0,
            Self::Publisher => 1,
            Self::LooksReal => 2,
            Self::TooLittleData => 3,
        }
    }
}

/// Where the model in use came from.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelInfo {
    /// `built-in` or the file's path.
    pub source: String,
    pub trained_on: String,
    pub bots: usize,
    pub humans: usize,
}

/// Loads a model file, or the built-in default when `path` is `None`.
pub fn load_model(path: Option<&Path>) -> Result<(AuditModel, ModelInfo)> {
    let (text, source) = match path {
        None => (DEFAULT_MODEL.to_owned(), "built-in".to_owned()),
        Some(p) => (
            std::fs::read_to_string(p)
                .map_err(Error::io(format!("cannot read the model {}", p.display())))?,
            p.display().to_string(),
        ),
    };
    let model = AuditModel::from_json(&text).map_err(|e| Error::Usage(format!("{source}: {e}")))?;
    let info = ModelInfo {
        source,
        trained_on: model.trained_on.clone(),
        bots: model.bots,
        humans: model.humans,
    };
    Ok((model, info))
}

/// The listed accounts given their reasons by default, most suspicious first: more than an
/// analyst reads, and under half a second of Shapley values.
pub const DEFAULT_REASONS_FOR: usize = 1_000;

/// How to audit.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditOptions {
    /// A model file from `socialset train-audit`; `None` uses the built-in model.
    pub model: Option<PathBuf>,
    pub threshold: f64,
    /// The share of bots expected among the accounts audited; the model's probabilities are
    /// re-based from its training mix to it (`DEFAULT_BOT_SHARE`).
    pub bot_share: f64,
    /// Reasons given per account.
    pub reasons: usize,
    /// How many of the listed accounts, most suspicious first, are given their reasons (the
    /// others are listed without): each account's reasons are Shapley values of the model,
    /// about 0.4 ms an account, two minutes for Higgs' 300,000 (`DEFAULT_REASONS_FOR`).
    pub reasons_for: usize,
    /// Accounts listed (most suspicious first); 0 lists all.
    pub top: usize,
    pub pods: PodConfig,
    pub window: TimeWindow,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            model: None,
            threshold: DEFAULT_THRESHOLD,
            bot_share: DEFAULT_BOT_SHARE,
            reasons: 3,
            reasons_for: DEFAULT_REASONS_FOR,
            top: 50,
            pods: PodConfig::default(),
            window: TimeWindow::default(),
        }
    }
}

/// One reason behind an account's probability.
#[derive(Clone, Debug, PartialEq)]
pub struct ReasonLine {
    pub feature: &'static str,
    pub about: &'static str,
    /// `None`: the data does not say (missing can be a reason too).
    pub value: Option<f64>,
    /// Change in the log-odds of "bot": positive pushes toward bot.
    pub contribution: f64,
}

/// One account's audit.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountAudit {
    pub id: String,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    pub bot_probability: f64,
    pub verdict: Verdict,
    /// How many of the features the data gave (the rest are missing).
    pub features_known: usize,
    /// How many of the features the model splits on the data gave.
    pub evidence: usize,
    /// Every feature in `FEATURES` order (`socialset_engine::FEATURE_NAMES`), `None` where
    /// the data does not give it.
    pub features: Vec<Option<f64>>,
    pub reasons: Vec<ReasonLine>,
    /// Why an automated account counts as an organisation or publisher, in plain words
    /// (empty unless the verdict is `Publisher`).
    pub publisher_signs: Vec<String>,
    pub audience: AudienceQuality,
    /// Numbers of the pods (in `AuditReport::pods`) it belongs to.
    pub pods: Vec<usize>,
}

/// A member of a pod.
#[derive(Clone, Debug, PartialEq)]
pub struct PodMember {
    pub id: String,
    pub handle: Option<String>,
}

/// A suspected engagement pod with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct PodLine {
    /// 1-based, best score first.
    pub number: usize,
    pub members: Vec<PodMember>,
    pub evidence: PodEvidence,
}

/// The audit of a store.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditReport {
    pub model: ModelInfo,
    pub threshold: f64,
    pub bot_share: f64,
    pub accounts_audited: usize,
    /// Accounts judged people.
    pub humans: usize,
    /// Automated accounts whose profiles show an organisation or publisher.
    pub publishers: usize,
    /// Automated accounts with nothing to show they are more: likely fakes or bots.
    pub likely_bots: usize,
    /// Accounts with too little data for a verdict.
    pub too_little_data: usize,
    /// Features the model splits on (the most evidence an account can have).
    pub model_features: usize,
    /// Listed accounts, most suspicious first.
    pub accounts: Vec<AccountAudit>,
    pub pods: Vec<PodLine>,
    pub pod_config: PodConfig,
}

/// Everything the audit computes for every account before choosing what to list.
struct Scored {
    data: SocialData,
    rows: Vec<FeatureRow>,
    probability: Vec<f64>,
    evidence: Vec<usize>,
    verdict: Vec<Verdict>,
    used: [bool; socialset_analysis::audit::N_FEATURES],
    audience: AudienceIndex,
    pods: Vec<Pod>,
    model: AuditModel,
    info: ModelInfo,
}

/// Every account's features, bot probability, evidence and verdict.
struct Judged {
    rows: Vec<FeatureRow>,
    probability: Vec<f64>,
    /// Known features among those the model splits on.
    evidence: Vec<usize>,
    verdict: Vec<Verdict>,
    used: [bool; socialset_analysis::audit::N_FEATURES],
}

/// Accounts scored between two looks at the cancellation flag (a few tens of milliseconds).
const SCORED_AT_ONCE: usize = 16_384;

fn judge(
    data: &SocialData,
    model: &AuditModel,
    threshold: f64,
    bot_share: f64,
    cancel: &Cancel,
) -> Result<Judged> {
    let rows = compute_features(&FeatureInput {
        accounts: &data.accounts,
        posts: &data.activity,
        events: &data.events,
        reference_time: data.latest_time(),
    });
    // Row by row the same as all at once; in slices, so that a cancelled audit stops soon.
    let mut probability = Vec::with_capacity(rows.len());
    for slice in rows.chunks(SCORED_AT_ONCE) {
        cancel.check()?;
        probability.extend(model.probabilities(slice));
    }
    let trained_share = model.bots as f64 / (model.bots + model.humans).max(1) as f64;
    for p in &mut probability {
        *p = rebase_probability(*p, trained_share, bot_share);
    }
    let used = model.used_features();
    let evidence: Vec<usize> = rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&used)
                .filter(|(v, u)| **u && !v.is_nan())
                .count()
        })
        .collect();
    let verdict = probability
        .iter()
        .zip(&evidence)
        .zip(&data.accounts)
        .map(|((&p, &e), account)| {
            if e < MIN_EVIDENCE {
                Verdict::TooLittleData
            } else if p < threshold {
                Verdict::LooksReal
            } else if publisher_signs(account).is_empty() {
                Verdict::LikelyBot
            } else {
                Verdict::Publisher
            }
        })
        .collect();
    Ok(Judged {
        rows,
        probability,
        evidence,
        verdict,
        used,
    })
}

/// Every account's bot probability and verdict by the built-in model (dense order), for
/// other capabilities that must leave likely bots out.
pub(crate) fn bot_verdicts(data: &SocialData, cancel: &Cancel) -> Result<(Vec<f64>, Vec<Verdict>)> {
    let (model, _) = load_model(None)?;
    let j = judge(data, &model, DEFAULT_THRESHOLD, DEFAULT_BOT_SHARE, cancel)?;
    Ok((j.probability, j.verdict))
}

impl Scored {
    fn count(&self, v: Verdict) -> usize {
        self.verdict.iter().filter(|&&x| x == v).count()
    }

    fn report(
        &self,
        options: &AuditOptions,
        accounts: Vec<AccountAudit>,
        pods: Vec<PodLine>,
    ) -> AuditReport {
        AuditReport {
            model: self.info.clone(),
            threshold: options.threshold,
            bot_share: options.bot_share,
            accounts_audited: self.data.accounts.len(),
            humans: self.count(Verdict::LooksReal),
            publishers: self.count(Verdict::Publisher),
            likely_bots: self.count(Verdict::LikelyBot),
            too_little_data: self.count(Verdict::TooLittleData),
            model_features: self.used.iter().filter(|&&u| u).count(),
            accounts,
            pods,
            pod_config: options.pods,
        }
    }
}

fn pod_lines(data: &SocialData, pods: &[Pod]) -> Vec<PodLine> {
    pods.iter()
        .enumerate()
        .map(|(i, p)| PodLine {
            number: i + 1,
            members: p
                .members
                .iter()
                .map(|m| {
                    let a = &data.accounts[m.0 as usize];
                    PodMember {
                        id: a.id.as_str().to_owned(),
                        handle: a.handle.clone(),
                    }
                })
                .collect(),
            evidence: p.evidence,
        })
        .collect()
}

impl Workspace {
    fn score_accounts(&self, options: &AuditOptions) -> Result<Scored> {
        let (model, info) = load_model(options.model.as_deref())?;
        self.step("reading the store", 0)?;
        let data = self.load_social(&options.window)?;
        if data.accounts.is_empty() {
            return Err(Error::Usage(
                "the store holds no accounts to audit: import some first".into(),
            ));
        }
        let Judged {
            rows,
            probability,
            evidence,
            verdict,
            used,
        } = {
            self.step(&format!("scoring {} accounts", data.accounts.len()), 0)?;
            judge(
                &data,
                &model,
                options.threshold,
                options.bot_share,
                &self.cancel,
            )?
        };
        self.step("indexing audiences", 0)?;
        let audience = AudienceIndex::build(data.accounts.len(), &data.events, &data.follows);
        self.step("looking for engagement pods", 0)?;
        let pods = find_pods(data.accounts.len(), &data.events, &options.pods);
        self.check_cancel()?;
        Ok(Scored {
            data,
            rows,
            probability,
            evidence,
            verdict,
            used,
            audience,
            pods,
            model,
            info,
        })
    }

    fn account_audits(
        &self,
        s: &Scored,
        listed: &[usize],
        options: &AuditOptions,
    ) -> Vec<AccountAudit> {
        let chosen: Vec<FeatureRow> = listed
            .iter()
            .take(options.reasons_for)
            .map(|&i| s.rows[i])
            .collect();
        let mut reasons = s.model.reasons(&chosen, options.reasons);
        reasons.resize_with(listed.len(), Vec::new);
        let verdicts: Vec<Option<bool>> = s.verdict.iter().map(|v| v.as_option()).collect();
        listed
            .iter()
            .zip(reasons)
            .map(|(&i, reasons)| {
                let a = &s.data.accounts[i];
                AccountAudit {
                    id: a.id.as_str().to_owned(),
                    handle: a.handle.clone(),
                    followers: a.followers,
                    bot_probability: s.probability[i],
                    verdict: s.verdict[i],
                    features_known: s.rows[i].iter().filter(|v| !v.is_nan()).count(),
                    evidence: s.evidence[i],
                    features: s.rows[i]
                        .iter()
                        .map(|v| (!v.is_nan()).then_some(*v))
                        .collect(),
                    reasons: reasons
                        .into_iter()
                        .map(|r| ReasonLine {
                            feature: FEATURES[r.feature].name,
                            about: FEATURES[r.feature].about,
                            value: (!r.value.is_nan()).then_some(r.value),
                            contribution: r.contribution,
                        })
                        .collect(),
                    publisher_signs: if s.verdict[i] == Verdict::Publisher {
                        publisher_signs(a).iter().map(|p| p.describe()).collect()
                    } else {
                        Vec::new()
                    },
                    audience: s
                        .audience
                        .quality(socialset_model::AccountIdx(i as u32), &verdicts),
                    pods: s
                        .pods
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.members.contains(&socialset_model::AccountIdx(i as u32)))
                        .map(|(n, _)| n + 1)
                        .collect(),
                }
            })
            .collect()
    }

    /// Audits every account; lists the most suspicious `options.top`.
    pub fn audit(&self, options: &AuditOptions) -> Result<AuditReport> {
        let s = self.score_accounts(options)?;
        let mut order: Vec<usize> = (0..s.data.accounts.len()).collect();
        // Verdicts first (likely fakes, organisations, people; an account with too little
        // data after every account the model could judge), then the probability.
        let rank = |i: usize| s.verdict[i].order();
        order.sort_by(|&a, &b| {
            rank(a)
                .cmp(&rank(b))
                .then(s.probability[b].total_cmp(&s.probability[a]))
                .then(a.cmp(&b))
        });
        if options.top > 0 {
            order.truncate(options.top);
        }
        let accounts = self.account_audits(&s, &order, options);
        let pods = pod_lines(&s.data, &s.pods);
        Ok(s.report(options, accounts, pods))
    }

    /// Audits one account (by id or handle); `pods` holds only the pods it belongs to.
    pub fn audit_account(&self, query: &str, options: &AuditOptions) -> Result<AuditReport> {
        let s = self.score_accounts(options)?;
        let idx = s.data.find(query)?;
        let accounts = self.account_audits(&s, &[idx.0 as usize], options);
        let pods = pod_lines(&s.data, &s.pods)
            .into_iter()
            .filter(|p| accounts[0].pods.contains(&p.number))
            .collect();
        Ok(s.report(options, accounts, pods))
    }

    /// Engagement pods in the store.
    pub fn pods(&self, config: &PodConfig, window: &TimeWindow) -> Result<Vec<PodLine>> {
        let data = self.load_social(window)?;
        data.require_events("look for pods in")?;
        Ok(pod_lines(
            &data,
            &find_pods(data.accounts.len(), &data.events, config),
        ))
    }

    /// Trains a model on the user's labels (`account,label` lines) for accounts of this store
    /// and writes it to `out`, with its cross-validated quality.
    pub fn train_audit(
        &self,
        labels: &Path,
        out: &Path,
        params: &TrainParams,
    ) -> Result<TrainReport> {
        let labels = read_account_labels(labels).map_err(Error::BadInput)?;
        let data = self.load_social(&TimeWindow::default())?;
        let all = compute_features(&FeatureInput {
            accounts: &data.accounts,
            posts: &data.activity,
            events: &data.events,
            reference_time: data.latest_time(),
        });
        let mut rows = Vec::with_capacity(labels.len());
        let mut bots = Vec::with_capacity(labels.len());
        for l in &labels {
            let idx = data.find(&l.account).map_err(|e| {
                Error::Usage(format!("labels line {}: field \"account\": {e}", l.line))
            })?;
            rows.push(all[idx.0 as usize]);
            bots.push(l.bot);
        }
        let source = format!(
            "{} labelled accounts of {}",
            labels.len(),
            self.path().display()
        );
        train_and_write(&rows, &bots, params, &source, out)
    }
}

/// What training produced.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainReport {
    pub bots: usize,
    pub humans: usize,
    /// 5-fold cross-validated AUC on the training labels (before the final fit on all).
    pub cv_auc: Option<f64>,
    pub out: PathBuf,
    /// Rows of a public data set left out as bad (with `skip_bad`), as messages.
    pub skipped: Vec<String>,
}

fn train_and_write(
    rows: &[FeatureRow],
    bots: &[bool],
    params: &TrainParams,
    source: &str,
    out: &Path,
) -> Result<TrainReport> {
    let train_err = |e: socialset_analysis::audit::ModelError| Error::Usage(e.to_string());
    let n_bots = bots.iter().filter(|&&b| b).count();
    let cv_auc = if n_bots >= 5 && bots.len() - n_bots >= 5 {
        let folds = stratified_folds(bots, 5, params.seed);
        let p = cross_validate(rows, bots, &folds, 5, params).map_err(train_err)?;
        roc_auc(&p, bots)
    } else {
        None
    };
    let model = AuditModel::train(rows, bots, params, source).map_err(train_err)?;
    let json = model.to_json().map_err(train_err)?;
    std::fs::write(out, json).map_err(Error::io(format!(
        "cannot write the model {}",
        out.display()
    )))?;
    Ok(TrainReport {
        bots: n_bots,
        humans: bots.len() - n_bots,
        cv_auc,
        out: out.to_owned(),
        skipped: Vec::new(),
    })
}

/// Trains the model on a public data set in the Gilani et al. layout (how the built-in model
/// is made) and writes it to `out`.
pub fn train_audit_public(
    dir: &Path,
    out: &Path,
    params: &TrainParams,
    skip_bad: bool,
) -> Result<TrainReport> {
    let read = read_gilani_dir(dir, skip_bad).map_err(Error::BadInput)?;
    let (rows, bots) = gilani_rows(&read.rows);
    let source = format!(
        "Gilani et al. 2017 ({} accounts, all follower bands)",
        read.rows.len()
    );
    let mut report = train_and_write(&rows, &bots, params, &source, out)?;
    report.skipped = read.skipped.iter().map(ToString::to_string).collect();
    Ok(report)
}

fn gilani_rows(labelled: &[LabelledSummary]) -> (Vec<FeatureRow>, Vec<bool>) {
    let summaries: Vec<_> = labelled.iter().map(|l| l.summary.clone()).collect();
    (
        summary_features(&summaries),
        labelled.iter().map(|l| l.bot).collect(),
    )
}

/// Out-of-fold probabilities: each row scored by a model trained on the other folds; one
/// vector per view (`views[v]` masks features of the test rows; the plain rows are view 0).
fn cross_validate_views(
    rows: &[FeatureRow],
    bots: &[bool],
    folds: &[usize],
    k: usize,
    params: &TrainParams,
    views: &[&[usize]],
) -> std::result::Result<Vec<Vec<f64>>, socialset_analysis::audit::ModelError> {
    let mut p = vec![vec![f64::NAN; rows.len()]; views.len() + 1];
    for f in 0..k {
        let train: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] != f).collect();
        let test: Vec<usize> = (0..rows.len()).filter(|&i| folds[i] == f).collect();
        let model = AuditModel::train(
            &train.iter().map(|&i| rows[i]).collect::<Vec<_>>(),
            &train.iter().map(|&i| bots[i]).collect::<Vec<_>>(),
            params,
            "cross-validation",
        )?;
        for (v, out) in p.iter_mut().enumerate() {
            let test_rows: Vec<FeatureRow> = test
                .iter()
                .map(|&i| {
                    let mut r = rows[i];
                    if v > 0 {
                        for &m in views[v - 1] {
                            r[m] = f64::NAN;
                        }
                    }
                    r
                })
                .collect();
            for (&i, q) in test.iter().zip(model.probabilities(&test_rows)) {
                out[i] = q;
            }
        }
    }
    Ok(p)
}

fn cross_validate(
    rows: &[FeatureRow],
    bots: &[bool],
    folds: &[usize],
    k: usize,
    params: &TrainParams,
) -> std::result::Result<Vec<f64>, socialset_analysis::audit::ModelError> {
    let mut p = cross_validate_views(rows, bots, folds, k, params, &[])?;
    Ok(p.swap_remove(0))
}

/// Views of the evaluation data with what some sources lack masked: how the audit holds up
/// on a store that does not hold everything Gilani et al. measured.
const DEGRADED_VIEWS: [(&str, &[usize]); 3] = [
    ("clients unknown", &[16, 17, 18, 19, 20, 21, 22, 23]),
    ("profile counts unknown", &[2, 3, 4, 5, 6]),
    (
        "only the repost and reply shares known",
        &[
            2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
        ],
    ),
];

/// Quality figures of bot probabilities against labels.
#[derive(Clone, Debug, PartialEq)]
pub struct BotScores {
    pub accounts: usize,
    pub bots: usize,
    pub auc: Option<f64>,
    pub f1: f64,
    pub precision: f64,
    pub recall: f64,
    pub brier: f64,
}

fn bot_scores(p: &[f64], bots: &[bool]) -> BotScores {
    let c = classification(p, bots, DEFAULT_THRESHOLD);
    BotScores {
        accounts: p.len(),
        bots: bots.iter().filter(|&&b| b).count(),
        auc: roc_auc(p, bots),
        f1: c.f1,
        precision: c.precision,
        recall: c.recall,
        brier: brier(p, bots),
    }
}

/// The evaluation on a labelled data set in the Gilani et al. layout.
#[derive(Clone, Debug, PartialEq)]
pub struct BotsEval {
    pub folds: usize,
    pub seed: u64,
    /// Out-of-fold scores over all accounts.
    pub overall: BotScores,
    /// Out-of-fold scores per follower band, smallest first.
    pub per_band: Vec<(String, BotScores)>,
    /// Trained on every band but the smallest, tested on the smallest (1k).
    pub cross_band: BotScores,
    /// Out-of-fold scores with blocks of features masked in the test rows.
    pub degraded: Vec<(String, BotScores)>,
    /// Each account as read (bots then humans, bands smallest first): screen name, band,
    /// bot, fold, out-of-fold probability. The fold list lets a peer use the same folds.
    pub accounts: Vec<(String, String, bool, usize, f64)>,
    /// Bad rows left out (with `skip_bad`), as messages naming file, line and field.
    pub skipped: Vec<String>,
}

/// Stratified `folds`-fold cross-validation of the classifier on a directory in the Gilani
/// et al. layout, overall and per follower band, and a cross-band test.
pub fn eval_bots(
    dir: &Path,
    folds: usize,
    seed: u64,
    params: &TrainParams,
    skip_bad: bool,
) -> Result<BotsEval> {
    if folds < 2 {
        return Err(Error::Usage(
            "cross-validation needs at least 2 folds".into(),
        ));
    }
    let read = read_gilani_dir(dir, skip_bad).map_err(Error::BadInput)?;
    let labelled = &read.rows;
    let (rows, bots) = gilani_rows(labelled);
    let fold = stratified_folds(&bots, folds, seed);
    let views: Vec<&[usize]> = DEGRADED_VIEWS.iter().map(|v| v.1).collect();
    let mut all = cross_validate_views(&rows, &bots, &fold, folds, params, &views)
        .map_err(|e| Error::Usage(e.to_string()))?;
    let degraded = DEGRADED_VIEWS
        .iter()
        .zip(&all[1..])
        .map(|((label, _), p)| ((*label).to_owned(), bot_scores(p, &bots)))
        .collect();
    let p = all.swap_remove(0);
    let bands = socialset_ingest::GILANI_BANDS;
    let per_band = bands
        .iter()
        .map(|b| {
            let idx: Vec<usize> = (0..rows.len())
                .filter(|&i| labelled[i].band == *b)
                .collect();
            let pb: Vec<f64> = idx.iter().map(|&i| p[i]).collect();
            let yb: Vec<bool> = idx.iter().map(|&i| bots[i]).collect();
            ((*b).to_owned(), bot_scores(&pb, &yb))
        })
        .collect();
    let smallest = bands[0];
    let (train, test): (Vec<usize>, Vec<usize>) =
        (0..rows.len()).partition(|&i| labelled[i].band != smallest);
    let cross = AuditModel::train(
        &train.iter().map(|&i| rows[i]).collect::<Vec<_>>(),
        &train.iter().map(|&i| bots[i]).collect::<Vec<_>>(),
        params,
        "cross-band",
    )
    .map_err(|e| Error::Usage(e.to_string()))?;
    let pc = cross.probabilities(&test.iter().map(|&i| rows[i]).collect::<Vec<_>>());
    let yc: Vec<bool> = test.iter().map(|&i| bots[i]).collect();
    Ok(BotsEval {
        folds,
        seed,
        overall: bot_scores(&p, &bots),
        per_band,
        cross_band: bot_scores(&pc, &yc),
        degraded,
        accounts: labelled
            .iter()
            .enumerate()
            .map(|(i, l)| (l.summary.name.clone(), l.band.clone(), l.bot, fold[i], p[i]))
            .collect(),
        skipped: read.skipped.iter().map(ToString::to_string).collect(),
    })
}

/// The share as three numbers, for reports: share, low, high.
pub fn share_parts(s: Option<Share>) -> (Option<f64>, Option<f64>, Option<f64>) {
    (s.map(|s| s.share), s.map(|s| s.low), s.map(|s| s.high))
}

/// Whose audience an [`AudienceQuality`] measured, as a word.
pub fn basis_name(b: AudienceBasis) -> &'static str {
    match b {
        AudienceBasis::Followers => "followers",
        AudienceBasis::Engagers => "engagers",
    }
}

/// Pods planted into real interaction data, and how many of their members were found.
#[derive(Clone, Debug, PartialEq)]
pub struct PodEval {
    pub accounts: usize,
    pub events: usize,
    pub planted_events: usize,
    pub plant: PlantConfig,
    /// Pods found in the data as it is, before planting (real groups, or false alarms).
    pub pods_before: usize,
    pub members_before: usize,
    pub recovery: PodRecovery,
    /// Seconds the pod search took on the planted data.
    pub seconds: f64,
    /// The search's mutual-pair threshold.
    pub min_pair: u32,
}

/// Imports `data` (e.g. the Higgs activity file) into a throwaway store, looks for pods, then
/// plants synthetic pods (see [`PlantConfig`]) and measures the precision and recall of the
/// members found.
pub fn eval_pods(
    data: &Path,
    plant: &PlantConfig,
    config: &PodConfig,
    observer: &mut dyn crate::ImportObserver,
) -> Result<PodEval> {
    let (_dir, ws) =
        crate::eval::scratch_workspace(data, &crate::ImportOptions::default(), observer)?;
    let social = ws.load_social(&TimeWindow::default())?;
    social.require_events("plant pods in")?;
    let n = social.accounts.len();
    let before = find_pods(n, &social.events, config);
    let (added, planted) = plant_pods(&social.events, plant);
    let mut events = social.events.clone();
    events.extend(added.iter().cloned());
    let start = std::time::Instant::now();
    let found = find_pods(n, &events, config);
    let seconds = start.elapsed().as_secs_f64();
    Ok(PodEval {
        accounts: n,
        events: social.events.len(),
        planted_events: added.len(),
        plant: *plant,
        pods_before: before.len(),
        members_before: before.iter().map(|p| p.members.len()).sum(),
        recovery: pod_recovery(&found, &planted),
        seconds,
        min_pair: config.min_pair_events,
    })
}

/// How one group of accounts (verified by the platform, or not) fares under the audit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupVerdicts {
    /// Accounts of the group.
    pub accounts: usize,
    /// Of them, with enough evidence for a verdict.
    pub judged: usize,
    /// Called likely fakes or bots.
    pub fakes: usize,
    /// Called organisations or publishers.
    pub publishers: usize,
    /// Those that would be called fakes if being verified were no sign of a publisher
    /// (the other signs alone).
    pub fakes_without_verified_sign: usize,
    /// Called automated by the two-verdict audit this replaces: the model's probability at
    /// its own training mix of bots, at the same threshold.
    pub automated_before: usize,
}

/// The confusion of the audit's verdicts with hand labels, in one stratum of the sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictConfusion {
    pub stratum: String,
    /// `counts[label][verdict]`, labels in `HandLabel::ALL` order, verdicts in
    /// `VERDICTS` order.
    pub counts: [[usize; 4]; 4],
    /// Labelled accounts called automated by the two-verdict audit, by label.
    pub automated_before: [usize; 4],
}

/// The four verdicts in the order of `VerdictConfusion::counts`.
pub const VERDICTS: [Verdict; 4] = [
    Verdict::LooksReal,
    Verdict::Publisher,
    Verdict::LikelyBot,
    Verdict::TooLittleData,
];

/// What `eval verdicts` measures.
#[derive(Clone, Debug)]
pub struct VerdictsEval {
    pub accounts: usize,
    pub bot_share: f64,
    pub threshold: f64,
    pub humans: usize,
    pub publishers: usize,
    pub fakes: usize,
    pub too_little_data: usize,
    pub verified: GroupVerdicts,
    /// Accounts whose profile says they are not verified.
    pub unverified: GroupVerdicts,
    /// Against the hand labels, per stratum (empty without labels).
    pub confusion: Vec<VerdictConfusion>,
}

impl Workspace {
    /// Measures the three-verdict audit on the store: how verified and unverified accounts
    /// are judged, beside the two-verdict audit it replaces, and, given hand labels
    /// (`read_hand_labels`), the confusion of verdicts and labels per stratum.
    pub fn eval_verdicts(
        &self,
        labels: Option<&Path>,
        options: &AuditOptions,
    ) -> Result<VerdictsEval> {
        let labels = labels
            .map(socialset_ingest::read_hand_labels)
            .transpose()
            .map_err(Error::BadInput)?;
        let s = self.score_accounts(options)?;
        let trained_share = s.model.bots as f64 / (s.model.bots + s.model.humans).max(1) as f64;
        let before = judge(
            &s.data,
            &s.model,
            options.threshold,
            trained_share,
            &self.cancel,
        )?;
        let automated_before =
            |i: usize| matches!(before.verdict[i], Verdict::LikelyBot | Verdict::Publisher);
        let mut verified = GroupVerdicts::default();
        let mut unverified = GroupVerdicts::default();
        for (i, a) in s.data.accounts.iter().enumerate() {
            let group = match a.verified {
                Some(true) => &mut verified,
                Some(false) => &mut unverified,
                None => continue,
            };
            group.accounts += 1;
            let v = s.verdict[i];
            group.judged += usize::from(v != Verdict::TooLittleData);
            group.fakes += usize::from(v == Verdict::LikelyBot);
            group.publishers += usize::from(v == Verdict::Publisher);
            let only_verified = publisher_signs(a)
                .iter()
                .all(|p| matches!(p, socialset_analysis::audit::PublisherSign::Verified));
            group.fakes_without_verified_sign +=
                usize::from(v == Verdict::LikelyBot || (v == Verdict::Publisher && only_verified));
            group.automated_before += usize::from(automated_before(i));
        }
        let mut confusion: Vec<VerdictConfusion> = Vec::new();
        if let Some(labels) = labels {
            let index: std::collections::HashMap<String, usize> = s
                .data
                .accounts
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.to_string(), i))
                .collect();
            for l in &labels {
                let Some(&i) = index.get(&l.account) else {
                    return Err(Error::Usage(format!(
                        "line {}: account {} is not in the store (the labels are for other data?)",
                        l.line, l.account
                    )));
                };
                let at = match confusion.iter().position(|c| c.stratum == l.stratum) {
                    Some(at) => at,
                    None => {
                        confusion.push(VerdictConfusion {
                            stratum: l.stratum.clone(),
                            counts: [[0; 4]; 4],
                            automated_before: [0; 4],
                        });
                        confusion.len() - 1
                    }
                };
                let row = socialset_ingest::HandLabel::ALL
                    .iter()
                    .position(|&x| x == l.label)
                    .unwrap_or(3);
                let col = VERDICTS
                    .iter()
                    .position(|&v| v == s.verdict[i])
                    .unwrap_or(3);
                confusion[at].counts[row][col] += 1;
                confusion[at].automated_before[row] += usize::from(automated_before(i));
            }
        }
        Ok(VerdictsEval {
            accounts: s.data.accounts.len(),
            bot_share: options.bot_share,
            threshold: options.threshold,
            humans: s.count(Verdict::LooksReal),
            publishers: s.count(Verdict::Publisher),
            fakes: s.count(Verdict::LikelyBot),
            too_little_data: s.count(Verdict::TooLittleData),
            verified,
            unverified,
            confusion,
        })
    }
}

/// `Workspace::eval_verdicts` on `data` (a file, folder or archive) imported into a scratch
/// store.
pub fn eval_verdicts(
    data: &Path,
    labels: Option<&Path>,
    options: &AuditOptions,
    observer: &mut dyn crate::ImportObserver,
) -> Result<VerdictsEval> {
    let (_dir, ws) =
        crate::eval::scratch_workspace(data, &crate::ImportOptions::default(), observer)?;
    ws.eval_verdicts(labels, options)
}
