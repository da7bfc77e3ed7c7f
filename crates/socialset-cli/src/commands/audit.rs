//! `socialset audit`: is an account (and its audience) real?

use std::path::PathBuf;

use anyhow::Result;
use serde_json::{json, Value};
use socialset_engine::{
    basis_name, share_parts, AccountAudit, AuditOptions, AuditReport, PodConfig, Share,
};

use super::{OutputFormat, StoreArgs, TimeArgs};
use crate::output::{count_of, csv, plural, reason_arrow, table, thousands, who};

/// Audit accounts: person, organisation or publisher, or likely fake or bot, and why.
///
/// For each account: the verdict and its reasons, how real its audience and engagement
/// look, and the engagement pods it belongs to.
///
/// Three verdicts. The probability that an account is automated comes from
/// gradient-boosted trees trained on labelled accounts (built in: Gilani et al. 2017; or your
/// own with `socialset train-audit` and --model), re-based to the share of bots expected in
/// the store (--bot-share). Under the threshold: human. Over it, an account whose profile
/// shows an organisation or publisher — verified, a brand, on 1,000+ lists, or a name or bio
/// naming a newsroom, company or agency with 1,000+ followers — is "organisation or
/// publisher" (automated, not fake: newsrooms posting through schedulers); the rest are
/// "likely fake or bot". Features are
/// computed from what the store holds — profile counts and age, the share of reposts and
/// replies, links, clients used, posting rhythm, reciprocity — and a feature the data does
/// not give is missing, not zero: "features known" says how much evidence there was.
/// Reasons are the features that moved the score most (+ toward bot, − toward human).
///
/// Audience quality: the share of its followers (or, where no follows are known, of its
/// engagers) under the bot threshold, and the share of the engagement it received that came
/// from accounts over it, each with a 95% interval from the sample size.
///
/// Examples:
///   socialset audit higgs:88
///   socialset audit --all --top 20
///   socialset audit --all --top 0 --format csv > audit.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The account to audit (id or handle); or use --all.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    account: Option<String>,

    /// Audit every account, most suspicious first.
    #[arg(long)]
    all: bool,

    /// With --all: how many accounts to list (0 lists all).
    #[arg(long, default_value_t = 50, value_name = "K")]
    top: usize,

    /// Probability at or over which an account counts as automated (a likely fake or bot, or
    /// an organisation or publisher when its profile says so).
    #[arg(long, default_value_t = socialset_engine::DEFAULT_THRESHOLD, value_name = "P")]
    threshold: f64,

    /// The share of bots you expect among the accounts of the store; probabilities are
    /// re-based from the model's training mix to it (default: 15%, the upper end of Varol et
    /// al.'s 2017 estimate for active Twitter accounts). Raise it for a suspicious audience.
    #[arg(long, default_value_t = socialset_engine::DEFAULT_BOT_SHARE, value_name = "SHARE")]
    bot_share: f64,

    /// Reasons given per account.
    #[arg(long, default_value_t = 3, value_name = "N")]
    reasons: usize,

    /// With --all: how many of the listed accounts, most suspicious first, get their reasons
    /// (0: every one). Reasons are Shapley values, about 0.4 ms an account: every account
    /// of a 300,000-account store takes two minutes.
    #[arg(long, default_value_t = socialset_engine::DEFAULT_REASONS_FOR, value_name = "K")]
    reasons_for: usize,

    /// A model file from `socialset train-audit` (default: the built-in model).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,

    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,

    #[command(flatten)]
    out: super::OutArgs,

    #[command(flatten)]
    time: TimeArgs,

    #[command(flatten)]
    store: StoreArgs,
}

pub fn run(args: Args) -> Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) {
        anyhow::bail!("--threshold must be between 0 and 1");
    }
    if !(args.bot_share > 0.0 && args.bot_share < 1.0) {
        anyhow::bail!(
            "--bot-share must be above 0 and below 1 (e.g. 0.15 for 15%), not {}",
            args.bot_share
        );
    }
    let options = AuditOptions {
        model: args.model,
        threshold: args.threshold,
        bot_share: args.bot_share,
        reasons: args.reasons,
        reasons_for: if args.reasons_for == 0 {
            usize::MAX
        } else {
            args.reasons_for
        },
        top: args.top,
        pods: PodConfig::default(),
        window: args.time.window(),
    };
    let (ws, progress) = args
        .store
        .open_watched(socialset_engine::Limits::default())?;
    let report = crate::progress::watch(&progress, || match &args.account {
        Some(a) => ws.audit_account(a, &options),
        None => ws.audit(&options),
    })?;
    if args
        .out
        .write("audited accounts", &to_json(&report)["accounts"])?
    {
        return Ok(());
    }
    match args.format {
        OutputFormat::Json => crate::output::print_json(&to_json(&report))?,
        OutputFormat::Csv => csv(
            &CSV_HEADER,
            &report.accounts.iter().map(csv_row).collect::<Vec<_>>(),
        )?,
        OutputFormat::Table if args.account.is_some() => print_one(&report),
        OutputFormat::Table => print_all(&report),
    }
    Ok(())
}

const CSV_HEADER: [&str; 14] = [
    "account",
    "handle",
    "followers",
    "bot_probability",
    "verdict",
    "evidence",
    "features_known",
    "audience_basis",
    "real_audience",
    "real_audience_low",
    "real_audience_high",
    "suspicious_engagement",
    "reasons",
    "publisher_signs",
];

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v:.4}"))
}

fn reason_text(a: &AccountAudit) -> String {
    a.reasons
        .iter()
        .map(|r| {
            let value = r.value.map_or("missing".to_owned(), |v| format!("{v:.3}"));
            format!("{}={} ({:+.2})", r.feature, value, r.contribution)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn csv_row(a: &AccountAudit) -> Vec<String> {
    let (share, low, high) = share_parts(a.audience.real_audience);
    vec![
        a.id.clone(),
        a.handle.clone().unwrap_or_default(),
        a.followers.map(|f| f.to_string()).unwrap_or_default(),
        format!("{:.4}", a.bot_probability),
        a.verdict.as_str().to_owned(),
        a.evidence.to_string(),
        a.features_known.to_string(),
        basis_name(a.audience.basis).to_owned(),
        opt(share),
        opt(low),
        opt(high),
        opt(a.audience.suspicious_engagement.map(|s| s.share)),
        reason_text(a),
        a.publisher_signs.join("; "),
    ]
}

fn share_text(s: Option<Share>) -> String {
    match s {
        None => "no data".into(),
        Some(s) => format!(
            "{:.0}% (95% interval {:.0}–{:.0}%, n = {})",
            s.share * 100.0,
            s.low * 100.0,
            s.high * 100.0,
            thousands(s.n)
        ),
    }
}

fn print_model(r: &AuditReport) {
    println!(
        "Model: {} (trained on {}: {} bots, {} humans), its probabilities re-based to {:.0}% bots (--bot-share); automated at probability ≥ {}.",
        r.model.source,
        r.model.trained_on,
        r.model.bots,
        r.model.humans,
        r.bot_share * 100.0,
        r.threshold
    );
}

fn print_one(r: &AuditReport) {
    let Some(a) = r.accounts.first() else { return };
    println!("{} ({})", who(&a.id, a.handle.as_deref()), a.id);
    println!(
        "  {} — chance of automation {:.2}; evidence: {} of the {} features the model uses are known ({} needed for a verdict)",
        a.verdict.as_str(),
        a.bot_probability,
        a.evidence,
        r.model_features,
        socialset_engine::MIN_EVIDENCE
    );
    if !a.publisher_signs.is_empty() {
        println!(
            "  an organisation or publisher, not a fake: {}",
            a.publisher_signs.join("; ")
        );
    }
    println!("  reasons (+ toward automated, − toward a person; change in log-odds):");
    for reason in &a.reasons {
        let value = reason
            .value
            .map_or("missing".to_owned(), |v| format!("{v:.3}"));
        println!(
            "    {:+.2}  {} = {}  ({})",
            reason.contribution, reason.feature, value, reason.about
        );
    }
    println!(
        "  real audience ({}): {}{}",
        basis_name(a.audience.basis),
        share_text(a.audience.real_audience),
        unassessed(a.audience.unassessed_audience, "accounts")
    );
    println!(
        "  engagement from likely fakes or bots: {}{}",
        share_text(a.audience.suspicious_engagement),
        unassessed(a.audience.unassessed_engagement, "events")
    );
    if r.pods.is_empty() {
        println!("  engagement pods: none");
    }
    for p in &r.pods {
        println!(
            "  in engagement pod #{} of {} members (score {:.2}): density {:.2}, reciprocity {:.2}, {:.0}% within {} min, median gap {:.1} min",
            p.number,
            p.members.len(),
            p.evidence.score,
            p.evidence.density,
            p.evidence.reciprocity,
            p.evidence.fast_share * 100.0,
            r.pod_config.window_minutes,
            p.evidence.median_gap_minutes
        );
    }
    print_model(r);
}

fn unassessed(n: u64, what: &str) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("; {} {what} with too little data left out", thousands(n))
    }
}

fn print_all(r: &AuditReport) {
    println!(
        "{} accounts audited: {} {}, {} {}, {} {}, {} with too little data for a verdict; {}.",
        thousands(r.accounts_audited as u64),
        thousands(r.humans as u64),
        plural(r.humans, "human", "humans"),
        thousands(r.publishers as u64),
        plural(
            r.publishers,
            "organisation or publisher",
            "organisations or publishers"
        ),
        thousands(r.likely_bots as u64),
        plural(r.likely_bots, "likely fake or bot", "likely fakes or bots"),
        thousands(r.too_little_data as u64),
        count_of(r.pods.len(), "engagement pod", "engagement pods")
    );
    let rows: Vec<Vec<String>> = r
        .accounts
        .iter()
        .map(|a| {
            vec![
                who(&a.id, a.handle.as_deref()),
                format!("{:.2}", a.bot_probability),
                a.verdict.as_str().to_owned(),
                format!("{}/{}", a.evidence, r.model_features),
                a.audience.real_audience.map_or("—".into(), |s| {
                    format!("{:.0}% of {}", s.share * 100.0, thousands(s.n))
                }),
                a.pods
                    .iter()
                    .map(|p| format!("#{p}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                a.reasons.first().map_or(String::new(), reason_arrow),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "account",
                "automated",
                "verdict",
                "evidence",
                "real audience",
                "pods",
                "top reason"
            ],
            &[1],
            rows
        )
    );
    print_model(r);
}

fn to_json(r: &AuditReport) -> Value {
    json!({
        "model": {"source": r.model.source, "trained_on": r.model.trained_on, "bots": r.model.bots, "humans": r.model.humans},
        "threshold": r.threshold,
        "bot_share": r.bot_share,
        "accounts_audited": r.accounts_audited,
        "humans": r.humans,
        "publishers": r.publishers,
        "likely_bots": r.likely_bots,
        "too_little_data": r.too_little_data,
        "model_features": r.model_features,
        "accounts": r.accounts.iter().map(|a| {
            let share = |s: Option<Share>| s.map(|s| json!({"share": s.share, "low": s.low, "high": s.high, "n": s.n}));
            json!({
                "id": a.id, "handle": a.handle, "followers": a.followers,
                "bot_probability": a.bot_probability, "verdict": a.verdict.as_str(), "evidence": a.evidence,
                "features_known": a.features_known,
                "publisher_signs": a.publisher_signs,
                "reasons": a.reasons.iter().map(|x| json!({
                    "feature": x.feature, "value": x.value, "contribution": x.contribution, "about": x.about,
                })).collect::<Vec<_>>(),
                "audience": {
                    "basis": basis_name(a.audience.basis),
                    "real": share(a.audience.real_audience),
                    "unassessed": a.audience.unassessed_audience,
                    "suspicious_engagement": share(a.audience.suspicious_engagement),
                    "unassessed_engagement": a.audience.unassessed_engagement,
                },
                "pods": a.pods,
                "features": socialset_engine::feature_names().into_iter().zip(&a.features)
                    .map(|(n, v)| (n.to_owned(), json!(v))).collect::<serde_json::Map<_, _>>(),
            })
        }).collect::<Vec<_>>(),
        "pods": super::pods::pods_json(&r.pods),
    })
}
