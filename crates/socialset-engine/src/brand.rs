//! Independence and disclosure as engine calls: each post's brand ties and how it discloses
//! them, per account and for one account with its reasons.

use std::collections::BTreeSet;
use std::path::Path;

use socialset_analysis::brand::{
    disclosure, independence, post_ties, Disclosure, Independence, LabelStrength,
};

use crate::{Error, Result, Workspace};

/// One sponsored post and how it discloses.
#[derive(Clone, Debug, PartialEq)]
pub struct PostDisclosure {
    pub post: String,
    pub author: String,
    pub handle: Option<String>,
    pub at: Option<crate::Timestamp>,
    pub verdict: Disclosure,
    /// Labels found, as written (weak ones marked "(ambiguous)").
    pub labels: Vec<String>,
    pub affiliate_links: Vec<(String, &'static str)>,
    pub discount_codes: Vec<String>,
    /// Brand accounts it mentions.
    pub brands: Vec<String>,
    /// The start of its text.
    pub excerpt: String,
}

/// How a set of posts discloses: counts by verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DisclosureCounts {
    pub posts: usize,
    pub sponsored: usize,
    pub compliant: usize,
    pub buried: usize,
    pub unclear: usize,
    pub undisclosed: usize,
}

impl DisclosureCounts {
    fn add(&mut self, verdict: Disclosure) {
        self.posts += 1;
        match verdict {
            Disclosure::NotSponsored => return,
            Disclosure::Compliant => self.compliant += 1,
            Disclosure::Buried => self.buried += 1,
            Disclosure::Unclear => self.unclear += 1,
            Disclosure::Undisclosed => self.undisclosed += 1,
        }
        self.sponsored += 1;
    }
}

/// Disclosure counts for one account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountDisclosure {
    pub id: String,
    pub handle: Option<String>,
    pub counts: DisclosureCounts,
}

/// Disclosure counts for the posts of one campaign's members (campaigns and their members
/// come from conversions).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignDisclosure {
    pub campaign: String,
    pub members: usize,
    pub counts: DisclosureCounts,
}

/// Disclosure across the store (or one account).
#[derive(Clone, Debug, PartialEq)]
pub struct DisclosureReport {
    pub posts_checked: usize,
    pub accounts: Vec<AccountDisclosure>,
    /// Per campaign, for stores with conversions.
    pub campaigns: Vec<CampaignDisclosure>,
    /// Every sponsored post, in store order.
    pub posts: Vec<PostDisclosure>,
}

/// One account's independence from brands, with its reasons.
#[derive(Clone, Debug, PartialEq)]
pub struct IndependenceReport {
    pub id: String,
    pub handle: Option<String>,
    /// `None`: no posts to judge by.
    pub independence: Option<Independence>,
    pub reasons: Vec<String>,
    /// Brand accounts it mentions, with the number of posts.
    pub brands_mentioned: Vec<(String, usize)>,
    pub sponsored_posts: Vec<PostDisclosure>,
}

/// Reads a brands file: one account id or handle per line, `#` comments.
fn brand_names(path: &Path) -> Result<Vec<(usize, String)>> {
    let text = std::fs::read(path).map_err(Error::io(format!(
        "cannot read the brands file {}",
        path.display()
    )))?;
    let text = String::from_utf8(text)
        .map_err(|_| Error::Usage(format!("{}: is not UTF-8 text", path.display())))?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim().to_owned()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect())
}

/// Every post checked: (author index, its disclosure), and the brand account ids.
struct Checked {
    data: crate::social::SocialData,
    posts: Vec<(usize, PostDisclosure)>,
    brand_ids: BTreeSet<String>,
}

/// The workspace's config file: `socialset.toml` beside the store.
pub const CONFIG_FILE: &str = "socialset.toml";

impl Workspace {
    /// Brand accounts listed in the workspace's config file (`brands = ["@acme", "tw:42"]`), as
    /// (file, position, name); none when there is no config file.
    pub(crate) fn config_brands(&self) -> Result<Vec<(String, usize, String)>> {
        let path = self
            .path()
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(CONFIG_FILE);
        if !path.exists() {
            return Ok(Vec::new());
        }
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(&path).map_err(Error::io(format!("cannot read {shown}")))?;
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Config {
            #[serde(default)]
            brands: Vec<String>,
        }
        let config: Config =
            toml::from_str(&text).map_err(|e| Error::Usage(format!("{shown}: {e}")))?;
        Ok(config
            .brands
            .into_iter()
            .enumerate()
            .map(|(i, b)| (shown.clone(), i + 1, b))
            .collect())
    }
}

fn excerpt(text: &str) -> String {
    let mut e: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        e.push('…');
    }
    e.replace('\n', " ")
}

impl Workspace {
    /// Every post's ties and disclosure; `brands` names brand accounts beyond those marked
    /// `is_brand`; `account` limits the report to one account.
    fn disclosures(&self, brands: Option<&Path>, account: Option<&str>) -> Result<Checked> {
        let data = self.load_social(&crate::TimeWindow::default())?;
        let mut brand_ids: BTreeSet<String> = data
            .accounts
            .iter()
            .filter(|a| a.is_brand == Some(true))
            .map(|a| a.id.as_str().to_owned())
            .collect();
        for (source, line, name) in self.config_brands()? {
            let idx = data
                .find(&name)
                .map_err(|e| Error::Usage(format!("{source}: brand {line}: {e}")))?;
            brand_ids.insert(data.accounts[idx.0 as usize].id.as_str().to_owned());
        }
        if let Some(path) = brands {
            for (line, name) in brand_names(path)? {
                let idx = data
                    .find(&name)
                    .map_err(|e| Error::Usage(format!("{}:{line}: {e}", path.display())))?;
                brand_ids.insert(data.accounts[idx.0 as usize].id.as_str().to_owned());
            }
        }
        let only = account.map(|q| data.find(q)).transpose()?;
        let index = data.stored_index();
        let mut out = Vec::new();
        for p in self.store.posts()? {
            let Some(author) = index(p.author.0) else {
                continue;
            };
            if only.is_some_and(|o| o.0 != author) {
                continue;
            }
            let text = p.text.as_deref().unwrap_or("");
            let ties = post_ties(text, &p.urls);
            let brands: Vec<String> = p
                .mentions
                .iter()
                .filter(|m| brand_ids.contains(*m))
                .cloned()
                .collect();
            let verdict = disclosure(&ties);
            let a = &data.accounts[author as usize];
            out.push((
                author as usize,
                PostDisclosure {
                    post: p.id.as_str().to_owned(),
                    author: a.id.as_str().to_owned(),
                    handle: a.handle.clone(),
                    at: p.at,
                    verdict,
                    labels: ties
                        .labels
                        .iter()
                        .map(|l| match l.strength {
                            LabelStrength::Clear => l.text.clone(),
                            LabelStrength::Weak => format!("{} (ambiguous)", l.text),
                        })
                        .collect(),
                    affiliate_links: ties.affiliate_links,
                    discount_codes: ties.discount_codes,
                    brands,
                    excerpt: excerpt(text),
                },
            ));
        }
        drop(index);
        Ok(Checked {
            data,
            posts: out,
            brand_ids,
        })
    }

    /// Per-account disclosure counts and every sponsored post.
    pub fn disclosure(
        &self,
        account: Option<&str>,
        brands: Option<&Path>,
    ) -> Result<DisclosureReport> {
        let Checked { data, posts, .. } = self.disclosures(brands, account)?;
        if posts.is_empty() {
            return Err(Error::Usage(
                "there are no posts to check (import posts with their text first)".into(),
            ));
        }
        let mut per: Vec<DisclosureCounts> = vec![DisclosureCounts::default(); data.accounts.len()];
        for (author, p) in &posts {
            per[*author].add(p.verdict);
        }
        let mut campaigns: Vec<CampaignDisclosure> = Vec::new();
        let index = data.stored_index();
        let mut members_of: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
        for m in self.store.campaign_members()? {
            if let Some(i) = index(m.member.0) {
                members_of.entry(m.campaign).or_default().push(i);
            }
        }
        drop(index);
        for (campaign, members) in members_of {
            let mut c = CampaignDisclosure {
                campaign,
                members: members.len(),
                ..CampaignDisclosure::default()
            };
            for (author, p) in &posts {
                if members.contains(&(*author as u32)) {
                    c.counts.add(p.verdict);
                }
            }
            campaigns.push(c);
        }
        let mut accounts: Vec<AccountDisclosure> = per
            .into_iter()
            .enumerate()
            .filter(|(_, c)| c.sponsored > 0 || (account.is_some() && c.posts > 0))
            .map(|(i, counts)| AccountDisclosure {
                id: data.accounts[i].id.as_str().to_owned(),
                handle: data.accounts[i].handle.clone(),
                counts,
            })
            .collect();
        accounts.sort_by(|a, b| {
            let (x, y) = (&a.counts, &b.counts);
            (y.sponsored - y.compliant)
                .cmp(&(x.sponsored - x.compliant))
                .then(y.sponsored.cmp(&x.sponsored))
                .then(a.id.cmp(&b.id))
        });
        Ok(DisclosureReport {
            posts_checked: posts.len(),
            accounts,
            campaigns,
            posts: posts
                .into_iter()
                .map(|(_, p)| p)
                .filter(|p| p.verdict != Disclosure::NotSponsored)
                .collect(),
        })
    }

    /// Every account of `data`'s independence score from brands (`None` without posts to
    /// judge by), as `independence` computes it for one.
    pub(crate) fn independence_scores(
        &self,
        data: &crate::social::SocialData,
    ) -> Result<Vec<Option<f64>>> {
        let Checked {
            data: checked,
            posts,
            brand_ids,
        } = self.disclosures(None, None)?;
        // (posts, sponsored, brand-mentioning unsponsored) by the checked data's index.
        let mut counts = vec![(0usize, 0usize, 0usize); checked.accounts.len()];
        for (author, p) in &posts {
            let c = &mut counts[*author];
            c.0 += 1;
            if p.verdict != Disclosure::NotSponsored {
                c.1 += 1;
            } else if !p.brands.is_empty() {
                c.2 += 1;
            }
        }
        let by_id: std::collections::HashMap<&str, usize> = checked
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        Ok(data
            .accounts
            .iter()
            .map(|a| {
                let (posts, sponsored, brand_only) =
                    by_id.get(a.id.as_str()).map_or((0, 0, 0), |&i| counts[i]);
                let is_brand = brand_ids.contains(a.id.as_str());
                independence(posts, sponsored, brand_only, is_brand).map(|i| i.score)
            })
            .collect())
    }

    /// One account's independence from brands, with the reasons.
    pub fn independence(&self, account: &str, brands: Option<&Path>) -> Result<IndependenceReport> {
        let Checked {
            data,
            posts,
            brand_ids,
            ..
        } = self.disclosures(brands, Some(account))?;
        let idx = data.find(account)?;
        let a = &data.accounts[idx.0 as usize];
        let is_brand = brand_ids.contains(a.id.as_str());
        let sponsored: Vec<PostDisclosure> = posts
            .iter()
            .filter(|(_, p)| p.verdict != Disclosure::NotSponsored)
            .map(|(_, p)| p.clone())
            .collect();
        let brand_only = posts
            .iter()
            .filter(|(_, p)| p.verdict == Disclosure::NotSponsored && !p.brands.is_empty())
            .count();
        let mut mentioned: std::collections::BTreeMap<String, usize> = Default::default();
        for (_, p) in &posts {
            for b in &p.brands {
                *mentioned.entry(b.clone()).or_default() += 1;
            }
        }
        let ind = independence(posts.len(), sponsored.len(), brand_only, is_brand);
        let mut reasons = Vec::new();
        if is_brand {
            reasons.push(
                "it is a brand account (marked is_brand or listed in the brands file)".to_owned(),
            );
        }
        if let Some(i) = &ind {
            if i.sponsored_posts > 0 {
                let labelled = sponsored.iter().filter(|p| !p.labels.is_empty()).count();
                let affiliate = sponsored
                    .iter()
                    .filter(|p| !p.affiliate_links.is_empty())
                    .count();
                let codes = sponsored
                    .iter()
                    .filter(|p| !p.discount_codes.is_empty())
                    .count();
                reasons.push(format!(
                    "{} of {} posts sponsored ({} with a disclosure label, {} with affiliate links, {} with discount codes): −{:.2}",
                    i.sponsored_posts,
                    i.posts,
                    labelled,
                    affiliate,
                    codes,
                    i.sponsored_posts as f64 / i.posts.max(1) as f64
                ));
            }
            if i.brand_mention_posts > 0 {
                reasons.push(format!(
                    "{} other posts mention brand accounts: −{:.2}",
                    i.brand_mention_posts,
                    0.5 * i.brand_mention_posts as f64 / i.posts.max(1) as f64
                ));
            }
            if reasons.is_empty() {
                reasons.push(format!(
                    "none of its {} posts shows a tie to a brand",
                    i.posts
                ));
            }
        } else {
            reasons.push("no posts in the store to judge by".to_owned());
        }
        let mut brands_mentioned: Vec<(String, usize)> = mentioned.into_iter().collect();
        brands_mentioned.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        Ok(IndependenceReport {
            id: a.id.as_str().to_owned(),
            handle: a.handle.clone(),
            independence: ind,
            reasons,
            brands_mentioned,
            sponsored_posts: sponsored,
        })
    }
}

/// A post the detector got wrong, for the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Miss {
    pub id: String,
    pub text: String,
    pub evidence: String,
}

/// Precision and recall of the sponsorship detection on annotated real posts.
#[derive(Clone, Debug, PartialEq)]
pub struct DisclosureEval {
    pub posts: usize,
    /// Posts the annotator was unsure of, left out.
    pub unsure: usize,
    pub sponsored: usize,
    pub true_positives: usize,
    pub false_positives: Vec<Miss>,
    pub false_negatives: Vec<Miss>,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

/// Runs the sponsorship detection (labels, affiliate links, discount codes) on annotated
/// posts and scores it against the annotations.
pub fn eval_disclosure(path: &Path) -> Result<DisclosureEval> {
    let posts = socialset_ingest::read_annotated_posts(path).map_err(Error::BadInput)?;
    let (mut tp, mut fps, mut fns, mut unsure) = (0, Vec::new(), Vec::new(), 0);
    for p in &posts {
        let Some(truth) = p.sponsored else {
            unsure += 1;
            continue;
        };
        let ties = post_ties(&p.text, &p.urls);
        let mut evidence: Vec<String> = ties.labels.iter().map(|l| l.text.clone()).collect();
        evidence.extend(
            ties.affiliate_links
                .iter()
                .map(|(_, why)| (*why).to_owned()),
        );
        evidence.extend(ties.discount_codes.iter().map(|c| format!("code {c}")));
        let miss = || Miss {
            id: p.id.clone(),
            text: excerpt(&p.text),
            evidence: evidence.join(", "),
        };
        match (ties.sponsored(), truth) {
            (true, true) => tp += 1,
            (true, false) => fps.push(miss()),
            (false, true) => fns.push(miss()),
            (false, false) => {}
        }
    }
    let sponsored = tp + fns.len();
    let flagged = tp + fps.len();
    Ok(DisclosureEval {
        posts: posts.len(),
        unsure,
        sponsored,
        true_positives: tp,
        precision: (flagged > 0).then(|| tp as f64 / flagged as f64),
        recall: (sponsored > 0).then(|| tp as f64 / sponsored as f64),
        false_positives: fps,
        false_negatives: fns,
    })
}
