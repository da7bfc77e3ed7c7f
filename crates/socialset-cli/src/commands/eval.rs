//! `socialset eval`: measure quality against real ground truth.

use std::path::PathBuf;

use anyhow::Result;
use socialset_engine::{eval_communities, eval_influence, CommunityEval, InfluenceEval};

use crate::output::{table, thousands};
use crate::progress::ImportProgress;

/// Measure socialset's quality on real data with ground truth.
///
///   influence     does influence on the first days predict the engagement of the next ones?
///                 (Higgs Twitter: rank on days 1–4, measure days 5–7; Spearman and
///                 precision@100 against in-degree and interaction count, in the same run;
///                 --halves: each burst of e.g. PHEME's events ranked on its first half)
///   plan          does the Social Set reach people in reality, and did its forecast come
///                 true? (Higgs: plan on days 1–4, count who engaged with each plan's members
///                 on days 5–7: the Social Set against the natives with the most engagers and
///                 the professional plan, for each model of reach; --halves: each burst of a
///                 data set with follower counts, e.g. PHEME's events, planned on its first
///                 half and observed on its second)
///   sentiment     does the sentiment model get polarity right? (Italian: SENTIPOLC 2016's
///                 official metric; English, TweetEval or Sanders files: recall averaged
///                 over the classes; scored by the shipped model, --model vader or
///                 --model-file; --cross-validate: 10-fold, honest folds, trained on the file)
///   ugc           are questions and answers found? (real posts annotated by hand with
///                 written rules, tests/data/ugc: precision and recall)
///   questions     are questions found where other people labelled them? (RumourEval 2017's
///                 stance labels on the demo's PHEME tweets: "query" against our questions)
///   vader         does our English scorer agree with the reference VADER? (vaderSentiment
///                 3.3.2's scores, which `cargo xtask eval-vader` computes, on the same texts)
///   communities   do the communities match known groups? (email-Eu-core departments: NMI, ARI)
///   pods          are planted engagement pods found? (pods of known members planted into the
///                 real Higgs interactions: precision and recall of the members found)
///   trust         do trust scores predict held-out ratings? (bitcoin-otc: RMSE, Pearson, sign
///                 AUC for the global mean, fairness × goodness and ours)
///   disclosure    are sponsored posts found? (annotated real posts: precision and recall)
///   bots          does the bot classifier tell bots from humans? (Gilani et al. 2017: 10-fold
///                 cross-validated AUC, F1, Brier per follower band, a cross-band test; a
///                 scikit-learn random forest's figures on the same folds quoted beside them)
///
/// These commands run socialset only: they never install or run Python. The figures, with
/// peers', references' and published ones beside them, are in docs/EVALUATION.md; `cargo
/// xtask` runs the peers and references (eval-quality, eval-audit, eval-vader).
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Predict held-out trust ratings.
    Trust {
        /// Signed ratings: source,target,rating[,time], header optional, gzip or not
        /// (e.g. ../shared/data/bitcoin-otc/soc-sign-bitcoinotc.csv.gz).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Share of the ratings held out.
        #[arg(long, default_value_t = 0.1, value_name = "P")]
        held_out: f64,
        /// Seed of the hold-out draw.
        #[arg(long, default_value_t = 0, value_name = "S")]
        seed: u64,
        /// Kumar et al.'s leave-one-out protocol instead of one held-out share: every rating
        /// predicted from all the others (ours: 10-fold cross-validation).
        #[arg(long)]
        leave_one_out: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Precision and recall of the sponsorship detection on annotated real posts.
    Disclosure {
        /// Annotated posts, one JSON object per line (e.g. tests/data/disclosure/annotated.jsonl).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cross-validate the bot classifier on labelled accounts.
    Bots(super::eval_bots::BotsArgs),
    /// How the audit's three verdicts judge real accounts: verified and unverified accounts
    /// called fake, beside the two-verdict audit it replaced, and against hand labels.
    #[command(long_about = "How the audit's three verdicts judge real accounts.\n\n\
        Imports DATA (a file, folder or archive: e.g. the PHEME threads' tar.gz) into a scratch \
        store and audits every account. Reports the share of accounts the platform verified that \
        are called likely fakes or bots (they are almost all real: the goal is 2% or less), the \
        same for unverified accounts, what being verified adds as a publisher sign, and what the \
        two-verdict audit this replaced called automated. With --labels (a CSV of account, \
        sample, label: human, organisation, bot or unsure, labelled by hand from the profile \
        alone; tests/data/audit/pheme-hand-100.csv and its README give the protocol), the \
        verdicts against the labels, per stratum of the sample.\n\n\
        Example:\n  socialset eval verdicts --data ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz \\\n    --labels tests/data/audit/pheme-hand-100.csv")]
    Verdicts {
        /// Accounts with profiles: a file, folder or archive any importer reads.
        #[arg(long, value_name = "PATH")]
        data: PathBuf,
        /// Hand labels: CSV with the columns account, label and optionally sample.
        #[arg(long, value_name = "CSV")]
        labels: Option<PathBuf>,
        /// The share of bots expected (as `audit --bot-share`).
        #[arg(long, default_value_t = socialset_engine::DEFAULT_BOT_SHARE, value_name = "SHARE")]
        bot_share: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Plant engagement pods into real interactions and measure how many members are found.
    Pods {
        /// Timed interactions (e.g. ../shared/data/higgs-twitter/higgs-activity_time.txt.gz).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Pods to plant.
        #[arg(long, default_value_t = socialset_engine::PlantConfig::default().pods, value_name = "N")]
        pods: usize,
        /// Chance that a member engages with another member's post.
        #[arg(long, default_value_t = socialset_engine::PlantConfig::default().engage_probability, value_name = "P")]
        engage_probability: f64,
        /// Mean minutes from a post to a member's engagement.
        #[arg(long, default_value_t = socialset_engine::PlantConfig::default().mean_delay_minutes, value_name = "M")]
        mean_delay_minutes: f64,
        /// Seed of the planting.
        #[arg(long, default_value_t = socialset_engine::PlantConfig::default().seed, value_name = "S")]
        seed: u64,
        /// Engagements each way before two accounts count as a mutual pair (as `pods --min-pair`).
        #[arg(long, default_value_t = socialset_engine::PodConfig::default().min_pair_events, value_name = "N")]
        min_pair: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Predict later engagement from earlier influence.
    Influence {
        /// Timed interactions (e.g. ../shared/data/higgs-twitter/higgs-activity_time.txt.gz).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Days ranked on, from midnight UTC of the first interaction.
        #[arg(long, default_value_t = 4.0, value_name = "D")]
        train_days: f64,
        /// Days measured after them.
        #[arg(long, default_value_t = 3.0, value_name = "D")]
        test_days: f64,
        /// k of precision@k.
        #[arg(long, default_value_t = 100, value_name = "K")]
        k: usize,
        /// PageRank damping.
        #[arg(long, default_value_t = 0.85, value_name = "D")]
        damping: f64,
        /// Engagement weights, as for `rank`.
        #[arg(long, value_name = "KIND=W,...", value_parser = socialset_engine::EngagementWeights::parse, default_value = "")]
        weights: socialset_engine::EngagementWeights,
        #[command(flatten)]
        halves: Halves,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Plan on the first days, count the reach the members actually got in the next ones.
    Plan {
        /// Timed interactions (e.g. ../shared/data/higgs-twitter/higgs-activity_time.txt.gz).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Euros each plan may spend.
        #[arg(long, default_value_t = 5_000.0, value_name = "EUR")]
        budget: f64,
        /// Days planned on, from midnight UTC of the first interaction.
        #[arg(long, default_value_t = 4.0, value_name = "D")]
        train_days: f64,
        /// Days measured after them.
        #[arg(long, default_value_t = 3.0, value_name = "D")]
        test_days: f64,
        /// Followers assumed per distinct engager in the planning days (the data has no
        /// follower counts; tiers, prices and the native threshold need them).
        #[arg(long, default_value_t = 100, value_name = "N")]
        followers_per_engager: u64,
        /// The most followers a Social Set member may have.
        #[arg(long, default_value_t = 5_000, value_name = "N")]
        max_followers: u64,
        /// The planner's reach model: `learned` (the default's), `weighted-cascade`,
        /// `engagement`, or `all` (each of them, `engagement` with one hop, in one run).
        #[arg(long, default_value = "all", value_parser = ["all", "learned", "weighted-cascade", "engagement"])]
        probabilities: String,
        /// At most this many steps from a member (1: the members' own engagers only), for a
        /// model that simulates cascades.
        #[arg(long, value_name = "N")]
        hops: Option<u32>,
        /// Seed of IMM and the simulations.
        #[arg(long, default_value_t = 42, value_name = "S")]
        seed: u64,
        #[command(flatten)]
        halves: Halves,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sentiment on a labelled file: SENTIPOLC's official metric (Italian), macro-averaged
    /// recall (English), by the shipped model, VADER, a model file or cross-validation.
    Sentiment {
        /// Labelled texts: SENTIPOLC 2016's CSV (`idtwitter, subj, opos, oneg, iro, lpos,
        /// lneg, top, text`, ISO-8859-1 or UTF-8; Italian), TweetEval's NAME_text.txt with
        /// NAME_labels.txt beside it (0 negative, 1 neutral, 2 positive; English), or the
        /// Sanders CSV (`Topic,Sentiment,TweetId,TweetDate,TweetText`; English, sentiment
        /// towards the topic brand), e.g. ../shared/data/english-sentiment/tweeteval-val_text.txt.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Train and test by 10-fold cross-validation on FILE instead of scoring it with the
        /// shipped model.
        #[arg(long)]
        cross_validate: bool,
        /// How the folds are cut: honest (default: near-duplicates and retweets in one fold,
        /// each fold a period of consecutive tweet ids) or random (shuffled, stratified: the
        /// protocol of the figures before, flattered by near-duplicates across folds).
        #[arg(
            long,
            value_enum,
            default_value = "honest",
            requires = "cross_validate"
        )]
        folds: FoldScheme,
        /// Another labelled file (same language) every fold's model also trains on, never
        /// tested on; repeat for more.
        #[arg(long, value_name = "FILE", requires = "cross_validate")]
        also: Vec<PathBuf>,
        /// What reads English: the shipped trained model, or VADER alone.
        #[arg(long, value_enum, default_value = "trained")]
        model: super::sentiment::ModelArg,
        /// Score with this model, written by `socialset sentiment --train`, instead of the
        /// shipped one (e.g. one trained on another set, to test it across sets).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["cross_validate", "model"])]
        model_file: Option<PathBuf>,
        /// Training passes of each fold's model, 1 to 1000 (default: the shipped model's).
        #[arg(long, value_name = "N", requires = "cross_validate",
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        epochs: Option<u32>,
        /// AdaGrad's learning rate (default: the shipped model's).
        #[arg(long, value_name = "R", requires = "cross_validate")]
        learning_rate: Option<f64>,
        /// L2 penalty per example (default: the shipped model's).
        #[arg(long, value_name = "X", requires = "cross_validate")]
        l2: Option<f64>,
        /// Features seen in fewer training texts are dropped (default: the shipped model's).
        #[arg(long, value_name = "N", requires = "cross_validate")]
        min_count: Option<usize>,
        /// Seed of the training order (default: the shipped model's).
        #[arg(long, value_name = "S", requires = "cross_validate")]
        train_seed: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Question and answer detection on hand-annotated posts.
    Ugc {
        /// Annotated posts, one JSON object per line (e.g. tests/data/ugc/qa-annotated.jsonl).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Question detection against RumourEval 2017's per-tweet stance labels.
    Questions {
        /// Posts with ids (socialset's JSON Lines or tweets, gzip or not), e.g.
        /// tests/data/demo/pheme-sample.jsonl.gz.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// The folder of RumourEval's subtask A files (tweet id → support, deny, query or
        /// comment), e.g. ../shared/data/rumoureval2017-pheme/traindev.
        #[arg(long, value_name = "DIR")]
        stance: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stance of replies against RumourEval 2017's labels
    ///
    /// Stance of replies (support, deny, query, comment) against RumourEval 2017's labels,
    /// beside the majority class and a word n-gram logistic regression on the same posts:
    /// accuracy, F1 averaged over the four classes (macro-F1) and each class's F1.
    ///
    /// With --test: models trained on --labels, tested on --test (the official split). With
    /// --cross-validate K: K folds of --labels, each conversation whole in one fold and the
    /// folds in blocks of time (replies to one rumour share its words; an event's rumours
    /// share theirs). Neither: the shipped model on --labels.
    ///   mkdir -p /tmp/re && tar xzf ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz -C /tmp/re
    ///   socialset eval stance --data /tmp/re/rumoureval-data \
    ///     --labels ../shared/data/rumoureval2017-pheme/traindev/rumoureval-subtaskA-train.json \
    ///     --test ../shared/data/rumoureval2017-pheme/traindev/rumoureval-subtaskA-dev.json
    #[command(verbatim_doc_comment)]
    Stance {
        /// Conversations with their replies (any format socialset imports: a file, a folder
        /// or an archive).
        #[arg(long, value_name = "PATH")]
        data: PathBuf,
        /// RumourEval subtask A labels: a JSON file of tweet id to stance, or a folder of them.
        #[arg(long, value_name = "PATH")]
        labels: PathBuf,
        /// Labels to test on, models trained on --labels.
        #[arg(long, value_name = "PATH", conflicts_with = "cross_validate")]
        test: Option<PathBuf>,
        /// Cross-validate on --labels with this many folds.
        #[arg(long, value_name = "K")]
        cross_validate: Option<usize>,
        /// Training settings of the models trained (default: the shipped model's; the word
        /// n-gram baseline takes the passes, rate, L2 and seed).
        #[arg(long, value_name = "N")]
        min_count: Option<usize>,
        #[arg(long, value_name = "N")]
        epochs: Option<usize>,
        #[arg(long, value_name = "R")]
        learning_rate: Option<f64>,
        #[arg(long, value_name = "X")]
        l2: Option<f64>,
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Weigh the classes alike (true) or by their shares (false).
        #[arg(long, value_name = "BOOL")]
        balanced: Option<bool>,
        /// Read word pairs, 4-grams of words, the reply's place in its conversation, VADER's
        /// features (true or false each; default: as the shipped model).
        #[arg(long, value_name = "BOOL")]
        pairs: Option<bool>,
        #[arg(long, value_name = "BOOL")]
        grams: Option<bool>,
        #[arg(long, value_name = "BOOL")]
        context: Option<bool>,
        #[arg(long, value_name = "BOOL")]
        vader: Option<bool>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Credibility of claims, cross-validated by claim against the words alone
    ///
    /// Credibility of claims: each labelled claim (true, false, unverified; fake, real;
    /// non-rumor) told from its post's words, its author, its first hours of spread, the
    /// stance of its replies and the history of the accounts that carried it, in a cross-validation split
    /// by claim (folds in blocks of time; an account's history holds only training claims
    /// labelled before the claim judged). Beside the majority label and a logistic
    /// regression on the claim's words alone, and socialset without the stance of replies:
    /// accuracy, macro-F1 and each label's F1.
    ///   socialset eval veracity --data ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz \
    ///     --labels ../shared/data/rumoureval2017-pheme/traindev/veracity_labels.tsv \
    ///     --stance-labels ../shared/data/rumoureval2017-pheme/traindev
    ///   socialset eval veracity --data ../shared/data/fakenewsnet-2017-social/PolitiFact
    ///   socialset eval veracity --data twitter16/   # label.txt, source_tweets.txt, tree/
    #[command(verbatim_doc_comment)]
    Veracity {
        /// Claims' posts with their replies and shares (any format socialset imports), a
        /// FakeNewsNet 2017 platform folder (its items read as posts shared by the accounts
        /// that spread them, judged by claim and verdict records), or a folder in the
        /// Twitter15/16 layout (label.txt, source_tweets.txt, tree/: source tweets and their
        /// propagation trees, labelled non-rumor, true, false or unverified).
        #[arg(long, value_name = "PATH")]
        data: PathBuf,
        /// Tab- or comma-separated: a header naming the claim's column (thread_id, post,
        /// post_id, claim or id) and its label (veracity… or label); at most four labels.
        /// Without it, the data's own claim and verdict records are the labels.
        #[arg(long, value_name = "FILE")]
        labels: Option<PathBuf>,
        /// Folds, split by claim.
        #[arg(long, value_name = "K", default_value_t = 5)]
        cross_validate: usize,
        /// RumourEval stance labels of the replies (a JSON file or a folder): each fold then
        /// trains its own stance model on the replies to its training claims. Without them
        /// the shipped stance model is used, which was trained on RumourEval 2017's replies.
        #[arg(long, value_name = "PATH")]
        stance_labels: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Repeat spreaders: do the spreaders' records tell fake items from real ones?
    ///
    /// Repeat spreaders: does the record of the accounts spreading an item (the fake and real
    /// items each spread before) tell a fake item from a real one? On a FakeNewsNet 2017
    /// platform folder (News.txt, <Platform>NewsUser.txt, NewsContent.tar.gz), in a
    /// cross-validation by item: each fold's records come from its training items only,
    /// items told in near-identical words stay in one fold, folds are blocks of publication
    /// time. Beside counting spreaders and a logistic regression on the item's words, and
    /// socialset's records with the words: area under the ROC curve and accuracy.
    ///   socialset eval spreaders --data ../shared/data/fakenewsnet-2017-social/PolitiFact
    #[command(verbatim_doc_comment)]
    Spreaders {
        /// A FakeNewsNet 2017 platform folder.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Folds, split by item.
        #[arg(long, value_name = "K", default_value_t = 5)]
        cross_validate: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Does one label spread farther, deeper, wider or faster?
    ///
    /// Does one label spread farther, deeper, wider or faster? Labelled claims (a source
    /// post's id and its veracity) followed through their cascades of replies and shares:
    /// accounts, depth, breadth, structural virality and hours to 10 accounts per label, and
    /// the difference false − true (or fake − real) with its 95% bootstrap interval.
    ///   socialset eval spread --data ../shared/data/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz \
    ///     --labels ../shared/data/rumoureval2017-pheme/traindev/veracity_labels.tsv
    #[command(verbatim_doc_comment)]
    Spread {
        /// Posts with their replies and shares (any format socialset imports: a file, a
        /// folder or an archive).
        #[arg(long, value_name = "PATH")]
        data: PathBuf,
        /// Tab- or comma-separated: a header naming the claim's column (thread_id, post,
        /// post_id, claim or id) and its label (veracity… or label).
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// English sentiment against the reference VADER implementation, on the same texts.
    Vader {
        /// Texts: posts' "text" fields in JSON Lines, or plain lines, gzip or not (e.g.
        /// tests/data/demo/pheme-sample.jsonl.gz, real English tweets).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// The reference's compound scores, one per line in the order of the texts, as
        /// vaderSentiment 3.3.2 prints them: `cargo xtask eval-vader` runs it and writes
        /// tests/data/demo/pheme-sample.vader-reference.txt for the demo's texts.
        #[arg(long, value_name = "FILE")]
        reference: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score communities against ground-truth groups.
    Communities {
        /// A SNAP edge list (e.g. ../shared/data/email-eu-core/email-Eu-core.txt).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// `node group` lines (e.g. email-Eu-core-department-labels.txt).
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        #[arg(long, default_value_t = 42, value_name = "S")]
        seed: u64,
        /// Independent Leiden runs; the best is kept (as `socialset communities --restarts`).
        #[arg(long, default_value_t = socialset_engine::DEFAULT_RESTARTS, value_name = "N",
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        restarts: u32,
        /// Whole Leiden iterations per run at most (as `socialset communities --iterations`).
        #[arg(long, default_value_t = socialset_engine::CommunityOptions::default().max_iterations,
              value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        iterations: u32,
        /// Write every node's community as `node community` lines, for scoring peers alike.
        #[arg(long, value_name = "FILE")]
        membership_out: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args) -> Result<()> {
    let mut progress = ImportProgress::new(true);
    match args.what {
        What::Bots(bots) => return super::eval_bots::run(bots),
        What::Disclosure { data, json } => {
            let e = socialset_engine::eval_disclosure(&data)?;
            let f = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.3}"));
            if json {
                let miss = |m: &socialset_engine::Miss| serde_json::json!({"id": m.id, "text": m.text, "evidence": m.evidence});
                let v = serde_json::json!({
                    "posts": e.posts, "unsure": e.unsure, "sponsored": e.sponsored,
                    "true_positives": e.true_positives, "precision": e.precision, "recall": e.recall,
                    "false_positives": e.false_positives.iter().map(miss).collect::<Vec<_>>(),
                    "false_negatives": e.false_negatives.iter().map(miss).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "{} annotated posts ({} unsure, left out), {} sponsored: found {}, precision {}, recall {}.",
                    e.posts, e.unsure, e.sponsored, e.true_positives, f(e.precision), f(e.recall)
                );
                for m in &e.false_positives {
                    println!("  false alarm {} [{}]: {}", m.id, m.evidence, m.text);
                }
                for m in &e.false_negatives {
                    println!("  missed {}: {}", m.id, m.text);
                }
            }
        }
        What::Trust {
            data,
            held_out,
            seed,
            leave_one_out,
            json,
        } => {
            let e = if leave_one_out {
                socialset_engine::eval_trust_loo(&data, seed, &mut progress)?
            } else {
                socialset_engine::eval_trust(&data, held_out, seed, &mut progress)?
            };
            if json {
                let v = serde_json::json!({
                    "ratings": e.ratings, "held_out": e.held_out, "scale": e.scale, "seed": e.seed,
                    "methods": e.methods.iter().map(|m| serde_json::json!({
                        "method": m.method, "rmse": m.rmse, "pearson": m.pearson, "sign_auc": m.sign_auc,
                    })).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                if e.held_out == e.ratings {
                    println!(
                        "{} ratings (scaled by {}); each predicted from the others (leave-one-out; ours: 10 folds, seed {}).",
                        thousands(e.ratings as u64), e.scale, e.seed
                    );
                } else {
                    println!(
                        "{} ratings (scaled by {}); {} held out at random (seed {}), predicted from the rest.",
                        thousands(e.ratings as u64), e.scale, thousands(e.held_out as u64), e.seed
                    );
                }
                let f = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{v:.3}"));
                let rows = e
                    .methods
                    .iter()
                    .map(|m| {
                        vec![
                            m.method.clone(),
                            format!("{:.3}", m.rmse),
                            f(m.pearson),
                            f(m.sign_auc),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(&["method", "RMSE", "Pearson", "sign AUC"], &[1, 2, 3], rows)
                );
            }
        }
        What::Verdicts {
            data,
            labels,
            bot_share,
            json,
        } => {
            if !(bot_share > 0.0 && bot_share < 1.0) {
                anyhow::bail!("--bot-share must lie between 0 and 1, e.g. 0.15");
            }
            let options = socialset_engine::AuditOptions {
                bot_share,
                top: 0,
                ..Default::default()
            };
            let e =
                socialset_engine::eval_verdicts(&data, labels.as_deref(), &options, &mut progress)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&verdicts_json(&e))?);
            } else {
                print_verdicts(&e);
            }
        }
        What::Pods {
            data,
            pods,
            engage_probability,
            mean_delay_minutes,
            seed,
            min_pair,
            json,
        } => {
            if !(0.0..=1.0).contains(&engage_probability)
                || mean_delay_minutes.is_nan()
                || mean_delay_minutes <= 0.0
            {
                anyhow::bail!(
                    "--engage-probability must be in 0..1 and --mean-delay-minutes positive"
                );
            }
            let plant = socialset_engine::PlantConfig {
                pods,
                engage_probability,
                mean_delay_minutes,
                seed,
                ..Default::default()
            };
            let config = socialset_engine::PodConfig {
                min_pair_events: min_pair.max(1),
                ..Default::default()
            };
            let e = socialset_engine::eval_pods(&data, &plant, &config, &mut progress)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&pods_json(&e))?);
            } else {
                print_pods(&e);
            }
        }
        What::Influence {
            data,
            train_days,
            test_days,
            k,
            damping,
            weights,
            halves,
            json,
        } => {
            if !(train_days > 0.0 && test_days > 0.0) {
                anyhow::bail!("--train-days and --test-days must be positive");
            }
            let rank = socialset_engine::RankOptions {
                damping,
                weights,
                ..Default::default()
            };
            if halves.halves {
                halves.check()?;
                let evals = socialset_engine::eval_influence_halves(
                    &data,
                    halves.gap_hours,
                    halves.min_interactions,
                    k,
                    &rank,
                    &mut progress,
                )?;
                if json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&influence_halves_json(&evals))?
                    );
                } else {
                    print_influence_halves(&evals);
                }
                return Ok(());
            }
            let e = eval_influence(&data, train_days, test_days, k, &rank, &mut progress)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&influence_json(&e))?);
            } else {
                print_influence(&e);
            }
        }
        What::Plan {
            data,
            budget,
            train_days,
            test_days,
            followers_per_engager,
            max_followers,
            probabilities,
            hops,
            seed,
            halves,
            json,
        } => {
            if !(train_days > 0.0 && test_days > 0.0) {
                anyhow::bail!("--train-days and --test-days must be positive");
            }
            use socialset_engine::Probabilities;
            let models: Vec<(Probabilities, Option<u32>)> = match probabilities.as_str() {
                "all" => vec![
                    (Probabilities::Learned, None),
                    (Probabilities::Engagement, Some(1)),
                    (Probabilities::WeightedCascade, hops),
                ],
                name => vec![(Probabilities::parse(name).unwrap_or_default(), hops)],
            };
            let options = models.into_iter().map(|(probabilities, hops)| {
                socialset_engine::PlanOptions {
                    budget,
                    max_followers,
                    seed,
                    probabilities,
                    hops,
                    // Interaction files hold no profiles for the audit to judge; bursts of
                    // platform exports do.
                    min_authenticity: if halves.halves {
                        socialset_engine::PlanOptions::default().min_authenticity
                    } else {
                        None
                    },
                    ..Default::default()
                }
            });
            if halves.halves {
                halves.check()?;
                let evals = options
                    .map(|o| {
                        socialset_engine::eval_plan_halves(
                            &data,
                            halves.gap_hours,
                            halves.min_interactions,
                            &o,
                            &mut progress,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                emit(&evals, json, halves_json, print_halves)?;
            } else {
                let evals = options
                    .map(|o| {
                        socialset_engine::eval_plan(
                            &data,
                            train_days,
                            test_days,
                            followers_per_engager,
                            &o,
                            &mut progress,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                emit(&evals, json, plan_json, print_plan)?;
            }
        }
        What::Sentiment {
            data,
            cross_validate,
            folds,
            also,
            model,
            model_file,
            epochs,
            learning_rate,
            l2,
            min_count,
            train_seed,
            json,
        } => {
            if let Some(r) = learning_rate.filter(|r| !(r.is_finite() && *r > 0.0)) {
                anyhow::bail!("--learning-rate must be a positive number, not {r}");
            }
            if let Some(x) = l2.filter(|x| !(x.is_finite() && *x >= 0.0)) {
                anyhow::bail!("--l2 must be a number of at least 0, not {x}");
            }
            let scheme = match folds {
                FoldScheme::Honest => socialset_engine::Folds::Honest,
                FoldScheme::Random => socialset_engine::Folds::Random,
            };
            let options = socialset_engine::SentimentEvalOptions {
                cross_validate: cross_validate.then_some(scheme),
                train: socialset_engine::TrainOverrides {
                    epochs: epochs.map(|e| e as usize),
                    learning_rate,
                    l2,
                    min_count,
                    seed: train_seed,
                },
                also,
                model: model.into(),
                model_file,
            };
            let e = socialset_engine::eval_sentiment(&data, &options)?;
            let score = |s: &socialset_engine::SentipolcScore| serde_json::json!({"f_positive": s.positive, "f_negative": s.negative, "f": s.combined});
            if json {
                let out = serde_json::json!({
                    "layout": e.layout, "language": e.language.code(), "model": e.model.name(),
                    "texts": e.texts,
                    "left_out": e.left_out.map(|(n, why)| serde_json::json!({"texts": n, "why": why})),
                    "folds": e.folds, "fold_scheme": e.scheme.map(|s| s.name()),
                    "also_trained_on": e.also, "in_sample": e.in_sample,
                    "near_duplicates": e.near_duplicates, "score": score(&e.score),
                    "recall": e.recall.map(|(r, mean)| serde_json::json!({"negative": r[0], "neutral": r[1], "positive": r[2], "macro": mean})),
                    "ironic": e.ironic.map(|(n, s)| serde_json::json!({"texts": n, "score": score(&s)})),
                    "confusion": e.confusion.iter().map(|(g, p, n)| serde_json::json!({"gold": g.name(), "predicted": p.name(), "texts": n})).collect::<Vec<_>>(),
                    "towards_target": e.towards.as_ref().map(|t| serde_json::json!({
                        "texts": t.texts, "not_named": t.not_named, "scoped": t.scoped, "compared": t.compared,
                        "macro_f1": {"document": t.document_f1, "towards_target": t.target_f1},
                        "scoped_macro_f1": {"document": t.scoped_document_f1, "towards_target": t.scoped_target_f1},
                    })),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                let how = match (e.folds, e.scheme) {
                    (Some(k), Some(s)) => format!(
                        "{k}-fold cross-validation, folds {}{}",
                        s.name(),
                        if e.also > 0 {
                            format!(
                                ", each fold's model also trained on {} texts of other files",
                                thousands(e.also as u64)
                            )
                        } else {
                            String::new()
                        }
                    ),
                    _ if e.model == socialset_engine::SentimentModel::Vader => {
                        "scored by VADER".into()
                    }
                    _ if options.model_file.is_some() => "scored by the model file".into(),
                    _ => "scored by the shipped model".into(),
                };
                println!(
                    "{} {} texts ({}), {how}.",
                    thousands(e.texts as u64),
                    e.layout,
                    e.language.code()
                );
                if let Some((n, why)) = e.left_out {
                    println!("{} records left out: {why}.", thousands(n as u64));
                }
                if e.in_sample {
                    println!("Note: the shipped model was trained on this file, so this is not a test of it: cross-validate (--cross-validate) or score a file it never saw.");
                }
                match e.recall {
                    Some((r, mean)) => println!(
                        "Macro-averaged recall = {mean:.4} (negative {:.4}, neutral {:.4}, positive {:.4}); TweetEval's published baselines on SemEval-2017's test set: SVM 0.629, FastText 0.629, RoBERTa-base 0.713. SENTIPOLC-style F = {:.4}.",
                        r[0], r[1], r[2], e.score.combined
                    ),
                    None => println!(
                        "SENTIPOLC polarity F = {:.4} (positive {:.4}, negative {:.4}); the best constrained system of 2016 reached about 0.66 on the official test set.",
                        e.score.combined, e.score.positive, e.score.negative
                    ),
                }
                println!(
                    "{} of the texts have a near-duplicate in the file (a retweet, the same text with another link).",
                    thousands(e.near_duplicates as u64)
                );
                if let Some(t) = &e.towards {
                    println!(
                        "Towards each text's target (labels are about it): macro-F1 {:.4}, against {:.4} reading the whole text. {} texts name other targets in other clauses ({} as comparisons): there {:.4} against {:.4}. {} texts do not name their target.",
                        t.target_f1,
                        t.document_f1,
                        thousands(t.scoped as u64),
                        t.compared,
                        t.scoped_target_f1,
                        t.scoped_document_f1,
                        thousands(t.not_named as u64)
                    );
                }
                if let Some((n, s)) = e.ironic {
                    println!(
                        "On the {n} ironic texts (a known failure): F = {:.4}.",
                        s.combined
                    );
                }
                let rows = e
                    .confusion
                    .iter()
                    .map(|(g, p, n)| vec![g.name().to_owned(), p.name().to_owned(), n.to_string()])
                    .collect();
                println!("{}", table(&["gold", "predicted", "texts"], &[2], rows));
            }
        }
        What::Ugc { data, json } => {
            let e = socialset_engine::eval_qa(&data)?;
            let score = |c: &socialset_engine::ClassScore| {
                serde_json::json!({"gold": c.gold, "predicted": c.predicted, "correct": c.correct,
                                   "precision": c.precision(), "recall": c.recall()})
            };
            if json {
                let out = serde_json::json!({
                    "posts": e.posts, "question": score(&e.question), "answer": score(&e.answer),
                    "misses": e.misses.iter().map(|(id, g, p, t)| serde_json::json!({"id": id, "gold": g, "predicted": p, "text": t})).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("{} annotated posts.", e.posts);
                let rows = [("question", &e.question), ("answer", &e.answer)]
                    .iter()
                    .map(|(n, c)| {
                        vec![
                            (*n).to_owned(),
                            c.gold.to_string(),
                            c.predicted.to_string(),
                            format!("{:.3}", c.precision()),
                            format!("{:.3}", c.recall()),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(
                        &["class", "annotated", "found", "precision", "recall"],
                        &[1, 2, 3, 4],
                        rows
                    )
                );
                for (id, g, p, t) in &e.misses {
                    let t: String = t.replace('\n', " ").chars().take(90).collect();
                    println!("  {id}: annotated {g}, found {p}: {t}");
                }
            }
        }
        What::Questions { data, stance, json } => {
            let e = socialset_engine::eval_stance_questions(&data, &stance)?;
            let q = &e.query;
            let f1 = 2.0 * q.precision() * q.recall() / (q.precision() + q.recall()).max(1e-12);
            if json {
                let out = serde_json::json!({
                    "posts": e.posts,
                    "by_stance": e.by_stance.iter().map(|(s, n, k)| serde_json::json!({"stance": s, "posts": n, "called_questions": k})).collect::<Vec<_>>(),
                    "query": {"gold": q.gold, "predicted": q.predicted, "correct": q.correct,
                              "precision": q.precision(), "recall": q.recall(), "f1": f1},
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("{} posts with a stance label.", e.posts);
                let rows = e
                    .by_stance
                    .iter()
                    .map(|(s, n, k)| {
                        vec![
                            s.clone(),
                            n.to_string(),
                            k.to_string(),
                            format!("{:.1}%", 100.0 * *k as f64 / (*n).max(1) as f64),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(
                        &["stance", "posts", "called questions", "share"],
                        &[1, 2, 3],
                        rows
                    )
                );
                println!(
                    "Questions against \"query\": precision {:.3}, recall {:.3}, F1 {f1:.3} ({} found, {} labelled, {} both).",
                    q.precision(),
                    q.recall(),
                    q.predicted,
                    q.gold,
                    q.correct
                );
            }
        }
        What::Stance {
            data,
            labels,
            test,
            cross_validate,
            min_count,
            epochs,
            learning_rate,
            l2,
            seed,
            balanced,
            pairs,
            grams,
            context,
            vader,
            json,
        } => {
            let base = socialset_engine::StanceConfig::default();
            let config = socialset_engine::StanceConfig {
                min_count: min_count.unwrap_or(base.min_count),
                epochs: epochs.unwrap_or(base.epochs),
                learning_rate: learning_rate.unwrap_or(base.learning_rate),
                l2: l2.unwrap_or(base.l2),
                seed: seed.unwrap_or(base.seed),
                balanced: balanced.unwrap_or(base.balanced),
                pairs: pairs.unwrap_or(base.pairs),
                grams: grams.unwrap_or(base.grams),
                context: context.unwrap_or(base.context),
                lexicon: match vader {
                    Some(true) => socialset_engine::Lexicon::Vader,
                    Some(false) => socialset_engine::Lexicon::None,
                    None => base.lexicon,
                },
            };
            let mut progress = ImportProgress::new(true);
            let e = socialset_engine::eval_stance(
                &data,
                &labels,
                &socialset_engine::StanceEvalOptions {
                    test,
                    folds: cross_validate,
                    config: Some(config),
                },
                &mut progress,
            )?;
            let names = socialset_engine::STANCES;
            if json {
                let out = serde_json::json!({
                    "protocol": e.protocol,
                    "labelled": e.labelled,
                    "found": e.found,
                    "tested": e.tested,
                    "classes": names.iter().zip(e.classes).map(|(s, n)| (s.name().to_owned(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
                    "methods": e.methods.iter().map(|m| serde_json::json!({
                        "method": m.name,
                        "accuracy": m.scores.accuracy(),
                        "macro_f1": m.scores.macro_f1(),
                        "f1": names.iter().map(|&s| (s.name().to_owned(), serde_json::json!(m.scores.f1(s.index())))).collect::<serde_json::Map<_, _>>(),
                        "confusion": m.scores.cells,
                    })).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("{}.", e.protocol);
                println!(
                    "{} of {} labelled posts found in the data; {} tested ({}).",
                    thousands(e.found as u64),
                    thousands(e.labelled as u64),
                    thousands(e.tested as u64),
                    names
                        .iter()
                        .zip(e.classes)
                        .map(|(s, n)| format!("{} {n}", s.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let rows = e
                    .methods
                    .iter()
                    .map(|m| confusion_row(&m.name, &m.scores))
                    .collect();
                println!(
                    "{}",
                    table(
                        &[
                            "method",
                            "accuracy",
                            "macro-F1",
                            "F1 support",
                            "F1 deny",
                            "F1 query",
                            "F1 comment"
                        ],
                        &[1, 2, 3, 4, 5, 6],
                        rows
                    )
                );
            }
        }
        What::Veracity {
            data,
            labels,
            cross_validate,
            stance_labels,
            json,
        } => {
            let mut progress = ImportProgress::new(true);
            let e = socialset_engine::eval_veracity(
                &data,
                labels.as_deref(),
                &socialset_engine::VeracityOptions {
                    folds: cross_validate,
                    stance_labels,
                },
                &mut progress,
            )?;
            if json {
                let out = serde_json::json!({
                    "protocol": e.protocol,
                    "stance": e.stance,
                    "labelled": e.labelled,
                    "found": e.found,
                    "labels": e.labels.iter().zip(&e.claims).map(|(l, n)| (l.clone(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
                    "methods": e.methods.iter().map(|m| serde_json::json!({
                        "method": m.name,
                        "accuracy": m.confusion.accuracy(),
                        "macro_f1": m.confusion.macro_f1(),
                        "f1": e.labels.iter().enumerate().map(|(i, l)| (l.clone(), serde_json::json!(m.confusion.f1(i)))).collect::<serde_json::Map<_, _>>(),
                        "confusion": m.confusion.cells,
                    })).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{} of {} labelled claims found in the data ({}).",
                    thousands(e.found as u64),
                    thousands(e.labelled as u64),
                    e.labels
                        .iter()
                        .zip(&e.claims)
                        .map(|(l, n)| format!("{l} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                println!("{}; stance of replies: {}.", e.protocol, e.stance);
                let mut header = vec!["method".to_owned(), "accuracy".into(), "macro-F1".into()];
                header.extend(e.labels.iter().map(|l| format!("F1 {l}")));
                let rows = e
                    .methods
                    .iter()
                    .map(|m| confusion_row(&m.name, &m.confusion))
                    .collect();
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                let right: Vec<usize> = (1..header.len()).collect();
                println!("{}", table(&header, &right, rows));
            }
        }
        What::Spreaders {
            data,
            cross_validate,
            json,
        } => {
            let e = socialset_engine::eval_spreaders(&data, cross_validate)?;
            if json {
                let out = serde_json::json!({
                    "data": e.data,
                    "items": e.items,
                    "fake": e.fake,
                    "accounts": e.accounts,
                    "links": e.links,
                    "near_identical_groups": e.groups,
                    "folds": e.folds,
                    "test_items_with_a_spreader_on_record": e.with_record,
                    "unreadable_pages": e.unreadable,
                    "undated": e.undated,
                    "methods": e.methods.iter().zip(socialset_engine::SPREADER_METHODS).map(|(m, (_, rule))| serde_json::json!({
                        "method": m.name,
                        "auc": m.auc,
                        "accuracy": m.accuracy,
                        "called_fake_when": rule,
                    })).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{}: {} items ({} fake), {} accounts, {} item–account links; {} groups of near-identical items kept in one fold; {}-fold cross-validation by item, folds in blocks of publication time.",
                    e.data,
                    thousands(e.items as u64),
                    thousands(e.fake as u64),
                    thousands(e.accounts as u64),
                    thousands(e.links as u64),
                    thousands(e.groups as u64),
                    e.folds
                );
                println!(
                    "{} of the {} items had a spreader with a record from the training items; {} undated (placed at random over the dated span); {} pages unreadable (no words).",
                    thousands(e.with_record as u64),
                    thousands(e.items as u64),
                    thousands(e.undated as u64),
                    thousands(e.unreadable as u64)
                );
                let rows = e
                    .methods
                    .iter()
                    .zip(socialset_engine::SPREADER_METHODS)
                    .map(|(m, (_, rule))| {
                        vec![
                            m.name.to_owned(),
                            format!("{:.3}", m.auc),
                            format!("{:.3}", m.accuracy),
                            rule.to_owned(),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(
                        &["method", "AUC (fake)", "accuracy", "called fake when"],
                        &[1, 2],
                        rows
                    )
                );
            }
        }
        What::Spread { data, labels, json } => {
            let mut progress = ImportProgress::new(true);
            let e = socialset_engine::eval_spread(&data, &labels, &mut progress)?;
            let measures = socialset_engine::SPREAD_MEASURES;
            if json {
                let out = serde_json::json!({
                    "labelled": e.labelled,
                    "found": e.found,
                    "labels": e.labels.iter().map(|l| serde_json::json!({
                        "label": l.label,
                        "claims": l.claims,
                        "measures": measures.iter().zip(&l.measures).map(|(m, (n, mean, median))| (m.to_string(), serde_json::json!({"claims": n, "mean": mean, "median": median}))).collect::<serde_json::Map<_, _>>(),
                    })).collect::<Vec<_>>(),
                    "compared": e.compared.as_ref().map(|(a, b)| format!("{b} - {a}")),
                    "differences": measures.iter().zip(&e.differences).map(|(m, d)| (m.to_string(), d.map_or(serde_json::Value::Null, |(d, lo, hi)| serde_json::json!({"difference": d, "low": lo, "high": hi})))).collect::<serde_json::Map<_, _>>(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{} of {} labelled claims found in the data; each followed from its post through its replies, quotes and shares.",
                    thousands(e.found as u64),
                    thousands(e.labelled as u64)
                );
                let mut header = vec!["measure".to_owned()];
                header.extend(
                    e.labels
                        .iter()
                        .map(|l| format!("{} ({}): mean / median", l.label, l.claims)),
                );
                if let Some((a, b)) = &e.compared {
                    header.push(format!("{b} − {a} (95% bootstrap)"));
                }
                let rows = measures
                    .iter()
                    .enumerate()
                    .map(|(m, name)| {
                        let mut row = vec![name.replace('_', " ")];
                        for l in &e.labels {
                            let (n, mean, median) = l.measures[m];
                            row.push(if n == 0 {
                                "—".into()
                            } else if n < l.claims {
                                format!("{mean:.2} / {median:.2} (of {n})")
                            } else {
                                format!("{mean:.2} / {median:.2}")
                            });
                        }
                        if let Some(d) = e.differences.get(m) {
                            row.push(d.map_or("—".into(), |(d, lo, hi)| {
                                format!("{d:+.2} ({lo:+.2} to {hi:+.2})")
                            }));
                        }
                        row
                    })
                    .collect();
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                println!("{}", table(&header, &[], rows));
            }
        }
        What::Vader {
            data,
            reference,
            json,
        } => {
            let scores = read_reference_scores(&reference)?;
            let e = socialset_engine::vader_agreement(&data, &scores)?;
            if json {
                let out = serde_json::json!({
                    "texts": e.texts, "same_label": e.same_label,
                    "within_0_001": e.within_0_001, "mean_abs_difference": e.mean_abs_difference,
                    "largest_differences": e.largest_differences.iter().map(|(t, a, b)| serde_json::json!({"text": t, "ours": a, "reference": b})).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{} texts: the same label (positive / neutral / negative at ±0.05) on {:.1}%, the same compound score (±0.001) on {:.1}%, mean absolute difference {:.4}.",
                    thousands(e.texts as u64),
                    100.0 * e.same_label,
                    100.0 * e.within_0_001,
                    e.mean_abs_difference
                );
                for (t, a, b) in &e.largest_differences {
                    let t: String = t.chars().take(90).collect();
                    println!(
                        "  ours {a:+.4}, reference {b:+.4}: {}",
                        t.replace('\n', " ")
                    );
                }
            }
        }
        What::Communities {
            data,
            labels,
            seed,
            restarts,
            iterations,
            membership_out,
            json,
        } => {
            let leiden = socialset_engine::CommunityOptions {
                seed,
                restarts,
                max_iterations: iterations,
                ..Default::default()
            };
            let e = eval_communities(&data, &labels, &leiden, &mut progress)?;
            if let Some(path) = membership_out {
                let lines: String = e
                    .membership
                    .iter()
                    .map(|(n, c)| format!("{n} {c}\n"))
                    .collect();
                std::fs::write(&path, lines)
                    .map_err(|err| anyhow::anyhow!("writing {}: {err}", path.display()))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&communities_json(&e))?);
            } else {
                print_communities(&e);
            }
        }
    }
    Ok(())
}

/// Each evaluation as one JSON array, or printed one after another.
/// Each burst of a data set with times, its first half against its second.
#[derive(clap::Args, Debug)]
struct Halves {
    /// Work on the first half of each burst of activity and measure on the second (instead of
    /// days from the start); `plan` takes the data's own follower counts (instead of followers
    /// assumed).
    #[arg(long)]
    halves: bool,
    /// With --halves: bursts are apart by at least this many hours without interaction.
    #[arg(long, default_value_t = 72.0, value_name = "H")]
    gap_hours: f64,
    /// With --halves: bursts with fewer timed interactions are left out.
    #[arg(long, default_value_t = 200, value_name = "N")]
    min_interactions: usize,
}

impl Halves {
    fn check(&self) -> Result<()> {
        if self.gap_hours.is_nan() || self.gap_hours <= 0.0 {
            anyhow::bail!("--gap-hours must be positive");
        }
        Ok(())
    }
}

fn emit<T>(
    evals: &[T],
    json: bool,
    to_json: fn(&T) -> serde_json::Value,
    print: fn(&T),
) -> Result<()> {
    if json {
        let all: Vec<serde_json::Value> = evals.iter().map(to_json).collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else {
        evals.iter().for_each(print);
    }
    Ok(())
}

/// A model's name as the eval tables give it.
fn model_name(e: &socialset_engine::PlanEval) -> String {
    name_of(e.probabilities, e.hops)
}

fn name_of(p: socialset_engine::Probabilities, hops: Option<u32>) -> String {
    match hops {
        Some(h) => format!("{}, {h} hop{}", p.name(), if h == 1 { "" } else { "s" }),
        None => p.name().to_owned(),
    }
}

fn observed_json(p: &socialset_engine::ObservedPlan) -> serde_json::Value {
    let (error, within_30, contained) = verdict(p);
    serde_json::json!({
        "plan": p.name, "members": p.members, "cost": p.cost,
        "predicted_reach": {"mean": p.predicted.mean, "low": p.predicted.low, "high": p.predicted.high},
        "interval": if p.forecast.is_some() { "predictive" } else { "simulation only" },
        "forecast": p.forecast.as_ref().map(|f| serde_json::json!({
            "volume": f.volume, "sd_parameters": f.sd_parameters, "sd_outcome": f.sd_outcome,
            "sd_past_forecasts": f.sd_past_forecasts, "backtests": f.backtests})),
        "observed_reach": p.observed_reach, "observed_per_euro": p.observed_per_euro,
        "members_engaged": p.members_engaged,
        "relative_error": error, "within_30_percent": within_30, "interval_contains_observed": contained,
    })
}

fn halves_json(e: &socialset_engine::HalvesEval) -> serde_json::Value {
    serde_json::json!({
        "model": name_of(e.probabilities, e.hops), "budget": e.budget,
        "max_followers": e.max_followers, "gap_hours": e.gap_hours,
        "bursts": e.bursts.iter().map(|b| serde_json::json!({
            "train_from_ms": b.train.0.epoch_ms(), "test_from_ms": b.test.0.epoch_ms(),
            "test_until_ms": b.test.1.epoch_ms(), "interactions": b.interactions,
            "plans": b.plans.as_ref().ok().map(|p| p.iter().map(observed_json).collect::<Vec<_>>()),
            "error": b.plans.as_ref().err(),
        })).collect::<Vec<_>>(),
    })
}

fn print_halves(e: &socialset_engine::HalvesEval) {
    println!(
        "Model {}: each burst (apart by {} h or more) planned on its first half, observed on its second; budget €{:.0}; natives have at most {} followers (the data's own counts).",
        name_of(e.probabilities, e.hops),
        e.gap_hours,
        e.budget,
        thousands(e.max_followers)
    );
    let mut rows = Vec::new();
    let (mut within, mut held, mut count) = (0, 0, 0);
    for b in &e.bursts {
        let when = format!(
            "{} ({} interactions, {:.1} h + {:.1} h)",
            socialset_server::api::day(b.train.0),
            thousands(b.interactions as u64),
            (b.train.1.epoch_ms() - b.train.0.epoch_ms()) as f64 / 3_600_000.0,
            (b.test.1.epoch_ms() - b.test.0.epoch_ms()) as f64 / 3_600_000.0,
        );
        match &b.plans {
            Err(m) => rows.push(vec![
                when,
                "no plan".into(),
                m.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]),
            Ok(plans) => {
                for p in plans {
                    let (error, w, c) = verdict(p);
                    count += 1;
                    within += usize::from(w);
                    held += usize::from(c);
                    rows.push(vec![
                        when.clone(),
                        p.name.to_owned(),
                        p.members.to_string(),
                        format!(
                            "{:.0} ({:.0}–{:.0})",
                            p.predicted.mean, p.predicted.low, p.predicted.high
                        ),
                        thousands(p.observed_reach as u64),
                        format!("{:+.0}%{}", error * 100.0, if w { "" } else { " ✗" }),
                        if c { "yes" } else { "no" }.into(),
                    ]);
                }
            }
        }
    }
    println!(
        "{}",
        table(
            &[
                "burst",
                "plan",
                "members",
                "predicted reach (95%)",
                "observed reach",
                "error",
                "interval holds it",
            ],
            &[2, 3, 4, 5],
            rows
        )
    );
    println!(
        "{within} of {count} predictions within ±30%; {held} of {count} intervals hold what was observed."
    );
}

/// Whether a prediction came within ±30% of what was observed, and whether its interval held it.
fn verdict(p: &socialset_engine::ObservedPlan) -> (f64, bool, bool) {
    let observed = p.observed_reach as f64;
    let error = (p.predicted.mean - observed) / observed.max(1.0);
    (
        error,
        error.abs() <= 0.30,
        p.predicted.low <= observed && observed <= p.predicted.high,
    )
}

fn plan_json(e: &socialset_engine::PlanEval) -> serde_json::Value {
    serde_json::json!({
        "model": model_name(e),
        "train_from_ms": e.train.0.epoch_ms(), "train_until_ms": e.train.1.epoch_ms(),
        "test_until_ms": e.test.1.epoch_ms(),
        "budget": e.budget, "followers_per_engager": e.followers_per_engager,
        "max_followers": e.max_followers,
        "learned": e.learned.as_ref().map(|l| serde_json::json!({
            "half_life_hours": l.half_life_hours, "concentration": l.concentration,
            "new_targets": l.new_targets, "volume": l.volume, "trend_alpha": l.trend_alpha,
            "hours_since_peak": l.hours_since_peak,
            "backtests": l.backtests.iter().map(|b| serde_json::json!({
                "origin_ms": b.origin_ms, "hours": b.hours, "predicted": b.predicted,
                "observed": b.observed, "explained_var": b.explained_var,
                "predicted_volume": b.predicted_volume, "observed_volume": b.observed_volume})).collect::<Vec<_>>(),
            "candidates": l.candidates.iter().map(|c| serde_json::json!({
                "model": c.candidate.label(), "log_likelihood": c.log_likelihood,
                "mean_abs_error": c.mean_abs_error})).collect::<Vec<_>>(),
        })),
        "plans": e.plans.iter().map(observed_json).collect::<Vec<_>>(),
    })
}

fn print_plan(e: &socialset_engine::PlanEval) {
    println!(
        "Model {}: planned on {:.1} days, measured on the next {:.1}; budget €{:.0}; natives have at most {} followers ({} followers assumed per distinct engager).",
        model_name(e),
        (e.train.1.epoch_ms() - e.train.0.epoch_ms()) as f64 / 86_400_000.0,
        (e.test.1.epoch_ms() - e.test.0.epoch_ms()) as f64 / 86_400_000.0,
        e.budget,
        thousands(e.max_followers),
        e.followers_per_engager
    );
    if let Some(l) = &e.learned {
        println!(
            "  learned: half-life {}, concentration {}, {:.0}% of interactions to new accounts, chosen on a held-out stretch of the planning days; {} interactions expected over the test days; {} past forecasts calibrate the interval.",
            l.half_life_hours.map_or("none".into(), |h| format!("{h} h")),
            l.concentration,
            100.0 * l.new_targets,
            thousands(l.volume.round() as u64),
            l.backtests.len()
        );
    }
    let rows = e
        .plans
        .iter()
        .map(|p| {
            let (error, within, contained) = verdict(p);
            vec![
                p.name.to_owned(),
                p.members.to_string(),
                format!("€{:.0}", p.cost),
                format!(
                    "{:.0} ({:.0}–{:.0}{})",
                    p.predicted.mean,
                    p.predicted.low,
                    p.predicted.high,
                    if p.forecast.is_some() {
                        ""
                    } else {
                        ", simulation only"
                    }
                ),
                thousands(p.observed_reach as u64),
                format!("{:+.0}%{}", error * 100.0, if within { "" } else { " ✗" }),
                if contained { "yes" } else { "no" }.into(),
                format!("{:.3}", p.observed_per_euro),
                p.members_engaged.to_string(),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "plan",
                "members",
                "cost",
                "predicted reach (95%)",
                "observed reach",
                "error",
                "interval holds it",
                "observed per €",
                "members engaged",
            ],
            &[1, 2, 3, 4, 5, 7, 8],
            rows
        )
    );
}

fn print_influence(e: &InfluenceEval) {
    println!(
        "Ranked on {} engagements, measured on the next {} ({} accounts active while ranking).",
        thousands(e.train_engagements as u64),
        thousands(e.test_engagements as u64),
        thousands(e.accounts as u64)
    );
    let rows = e
        .methods
        .iter()
        .map(|m| {
            vec![
                m.method.to_owned(),
                m.spearman.map_or("undefined".into(), |r| format!("{r:.4}")),
                format!("{:.2}", m.precision_at_k),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &["method", "Spearman ρ", &format!("precision@{}", e.k)],
            &[1, 2],
            rows
        )
    );
    match &e.blend {
        Some(b) => {
            let [p, f, d, r] = b.weights;
            println!(
                "The default order's blend, chosen on the training days' last quarter (parts computed on the three before; validation ρ {:.4} over {} of {} accounts): PageRank {p:.1}, forecast {f:.1}, distinct engagers {d:.1}, recent engagement {r:.1} (half-life {} h).",
                b.validation_spearman,
                thousands(b.validation_sample as u64),
                thousands(b.validation_accounts as u64),
                b.recency_half_life
            );
        }
        None => println!(
            "The training days could not choose a blend: the default order was PageRank's."
        ),
    }
}

/// Each method's mean Spearman ρ (over the bursts where it is defined) and mean precision@k.
fn influence_means(evals: &[InfluenceEval]) -> Vec<(&'static str, Option<f64>, f64)> {
    let Some(first) = evals.first() else {
        return Vec::new();
    };
    first
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let rhos: Vec<f64> = evals.iter().filter_map(|e| e.methods[i].spearman).collect();
            let rho = (!rhos.is_empty()).then(|| rhos.iter().sum::<f64>() / rhos.len() as f64);
            let p = evals
                .iter()
                .map(|e| e.methods[i].precision_at_k)
                .sum::<f64>()
                / evals.len() as f64;
            (m.method, rho, p)
        })
        .collect()
}

fn print_influence_halves(evals: &[InfluenceEval]) {
    for e in evals {
        println!(
            "Burst of {}: ranked on {:.1} h, measured on the next {:.1} h.",
            socialset_server::api::day(e.train.0),
            (e.train.1.epoch_ms() - e.train.0.epoch_ms()) as f64 / 3_600_000.0,
            (e.test.1.epoch_ms() - e.test.0.epoch_ms()) as f64 / 3_600_000.0,
        );
        print_influence(e);
        println!();
    }
    if evals.is_empty() {
        println!("No burst had enough timed interactions (see --min-interactions).");
        return;
    }
    let rows = influence_means(evals)
        .into_iter()
        .map(|(method, rho, p)| {
            vec![
                method.to_owned(),
                rho.map_or("undefined".into(), |r| format!("{r:.4}")),
                format!("{p:.2}"),
            ]
        })
        .collect();
    let ks: Vec<String> = evals.iter().map(|e| e.k.to_string()).collect();
    println!(
        "Mean over the {} bursts (k of precision@k per burst: {}; --k or the accounts engaged with later, whichever is fewer):",
        evals.len(),
        ks.join(", ")
    );
    println!(
        "{}",
        table(&["method", "Spearman ρ", "precision@k"], &[1, 2], rows)
    );
}

fn influence_halves_json(evals: &[InfluenceEval]) -> serde_json::Value {
    serde_json::json!({
        "bursts": evals.iter().map(influence_json).collect::<Vec<_>>(),
        "mean": influence_means(evals).into_iter().map(|(method, rho, p)| serde_json::json!({
            "method": method, "spearman": rho, "precision_at_k": p})).collect::<Vec<_>>(),
    })
}

fn influence_json(e: &InfluenceEval) -> serde_json::Value {
    serde_json::json!({
        "train_from_ms": e.train.0.epoch_ms(), "train_until_ms": e.train.1.epoch_ms(),
        "test_from_ms": e.test.0.epoch_ms(), "test_until_ms": e.test.1.epoch_ms(),
        "accounts": e.accounts,
        "train_engagements": e.train_engagements,
        "test_engagements": e.test_engagements,
        "k": e.k,
        "methods": e.methods.iter().map(|m| serde_json::json!({
            "method": m.method, "spearman": m.spearman, "precision_at_k": m.precision_at_k,
        })).collect::<Vec<_>>(),
        "blend": e.blend.as_ref().map(socialset_server::api::BlendJson::from),
    })
}

fn print_communities(e: &CommunityEval) {
    println!(
        "{} nodes in {} ground-truth groups; socialset found {} communities (modularity {:.4}).",
        thousands(e.nodes as u64),
        e.labelled_groups,
        e.communities,
        e.modularity
    );
    println!(
        "{}",
        table(
            &["NMI", "ARI"],
            &[0, 1],
            vec![vec![format!("{:.4}", e.nmi), format!("{:.4}", e.ari)]]
        )
    );
}

fn communities_json(e: &CommunityEval) -> serde_json::Value {
    serde_json::json!({
        "nodes": e.nodes,
        "groups": e.labelled_groups,
        "communities": e.communities,
        "modularity": e.modularity,
        "nmi": e.nmi,
        "ari": e.ari,
    })
}

fn print_pods(e: &socialset_engine::PodEval) {
    let r = &e.recovery;
    let p = &e.plant;
    println!(
        "{} accounts, {} interactions. Before planting: {} pods found ({} accounts).",
        thousands(e.accounts as u64),
        thousands(e.events as u64),
        e.pods_before,
        e.members_before
    );
    println!(
        "Planted {} pods of {}–{} members ({} accounts; each member posts {} times, each other member engages with probability {} after {} min on average): {} interactions added.",
        r.planted_pods, p.min_size, p.max_size, r.planted_members, p.posts_per_member, p.engage_probability, p.mean_delay_minutes, thousands(e.planted_events as u64)
    );
    println!(
        "Found {} pods ({} accounts): member precision {:.3}, recall {:.3}; {} of {} planted pods recovered (Jaccard ≥ 0.5). Search took {:.2} s.",
        r.found_pods, r.found_members, r.precision, r.recall, r.pods_recovered, r.planted_pods, e.seconds
    );
}

fn pods_json(e: &socialset_engine::PodEval) -> serde_json::Value {
    let r = &e.recovery;
    serde_json::json!({
        "accounts": e.accounts, "events": e.events, "planted_events": e.planted_events,
        "pods_before": e.pods_before, "members_before": e.members_before,
        "plant": {"pods": e.plant.pods, "min_size": e.plant.min_size, "max_size": e.plant.max_size,
                  "posts_per_member": e.plant.posts_per_member, "engage_probability": e.plant.engage_probability,
                  "mean_delay_minutes": e.plant.mean_delay_minutes, "seed": e.plant.seed},
        "planted_pods": r.planted_pods, "planted_members": r.planted_members,
        "found_pods": r.found_pods, "found_members": r.found_members,
        "precision": r.precision, "recall": r.recall, "pods_recovered": r.pods_recovered,
        "seconds": e.seconds, "min_pair": e.min_pair,
    })
}

/// The reference's compound scores: one number per line, as vaderSentiment prints them.
fn read_reference_scores(path: &std::path::Path) -> Result<Vec<f64>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            l.trim()
                .parse::<f64>()
                .ok()
                .filter(|c| (-1.0..=1.0).contains(c))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}:{}: a compound score from -1 to 1, not {:?}",
                        path.display(),
                        i + 1,
                        l.trim()
                    )
                })
        })
        .collect()
}

fn group_json(g: &socialset_engine::GroupVerdicts) -> serde_json::Value {
    serde_json::json!({
        "accounts": g.accounts, "judged": g.judged, "fakes": g.fakes,
        "publishers": g.publishers,
        "fakes_without_verified_sign": g.fakes_without_verified_sign,
        "automated_before": g.automated_before,
    })
}

fn verdicts_json(e: &socialset_engine::VerdictsEval) -> serde_json::Value {
    let labels = socialset_engine::HandLabel::ALL.map(|l| l.as_str());
    let verdicts = socialset_engine::VERDICTS.map(|v| v.as_str());
    serde_json::json!({
        "accounts": e.accounts, "bot_share": e.bot_share, "threshold": e.threshold,
        "humans": e.humans, "publishers": e.publishers, "likely_bots": e.fakes,
        "too_little_data": e.too_little_data,
        "verified": group_json(&e.verified), "unverified": group_json(&e.unverified),
        "labels": labels, "verdicts": verdicts,
        "confusion": e.confusion.iter().map(|c| serde_json::json!({
            "stratum": c.stratum, "counts": c.counts, "automated_before": c.automated_before,
        })).collect::<Vec<_>>(),
    })
}

fn print_verdicts(e: &socialset_engine::VerdictsEval) {
    let share = |n: usize, of: usize| {
        if of == 0 {
            "—".to_owned()
        } else {
            format!(
                "{} of {} ({:.1}%)",
                thousands(n as u64),
                thousands(of as u64),
                100.0 * n as f64 / of as f64
            )
        }
    };
    println!(
        "{} accounts audited ({:.0}% bots expected, automated at {:.2}): {} people, {} organisations or publishers, {} likely fakes or bots, {} with too little data.",
        thousands(e.accounts as u64),
        e.bot_share * 100.0,
        e.threshold,
        thousands(e.humans as u64),
        thousands(e.publishers as u64),
        thousands(e.fakes as u64),
        thousands(e.too_little_data as u64)
    );
    let rows = [("verified", &e.verified), ("not verified", &e.unverified)]
        .iter()
        .map(|(name, g)| {
            vec![
                (*name).to_owned(),
                thousands(g.accounts as u64),
                share(g.fakes, g.accounts),
                share(g.publishers, g.accounts),
                share(g.fakes_without_verified_sign, g.accounts),
                share(g.automated_before, g.accounts),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "accounts",
                "n",
                "called fake or bot",
                "called organisation",
                "fake if verified were no sign",
                "automated in the two-verdict audit"
            ],
            &[1],
            rows
        )
    );
    for c in &e.confusion {
        let rows = socialset_engine::HandLabel::ALL
            .iter()
            .enumerate()
            .map(|(r, label)| {
                let mut row = vec![label.as_str().to_owned()];
                row.extend(c.counts[r].iter().map(|n| n.to_string()));
                row.push(c.automated_before[r].to_string());
                row
            })
            .collect();
        let mut header = vec!["hand label"];
        header.extend(socialset_engine::VERDICTS.iter().map(|v| v.as_str()));
        header.push("automated before");
        println!(
            "Sample {:?}: hand labels (rows) against verdicts (columns)",
            c.stratum
        );
        println!("{}", table(&header, &[1, 2, 3, 4, 5], rows));
        let [human, org, bot, unsure] = c.counts.map(|r| r[2]);
        let labelled = |r: usize| c.counts[r].iter().sum::<usize>();
        println!(
            "  called fake or bot: {}: {bot} labelled bot, {human} human, {org} organisation, {unsure} unsure; humans called fake: {} (before: {}); organisations called fake: {} (before: {})",
            human + org + bot + unsure,
            share(human, labelled(0)),
            share(c.automated_before[0], labelled(0)),
            share(org, labelled(1)),
            share(c.automated_before[1], labelled(1)),
        );
    }
}

/// How `eval sentiment --cross-validate` cuts its folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FoldScheme {
    Honest,
    Random,
}

/// A method's row: its name, accuracy, macro-F1 and each label's F1.
fn confusion_row(name: &str, c: &socialset_engine::Confusion) -> Vec<String> {
    let mut row = vec![
        name.to_owned(),
        format!("{:.3}", c.accuracy()),
        format!("{:.3}", c.macro_f1()),
    ];
    row.extend((0..c.cells.len()).map(|i| format!("{:.3}", c.f1(i))));
    row
}
