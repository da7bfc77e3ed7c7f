//! Campaigns run through a Social Set: create one, hire members (by hand or from a plan),
//! record the clicks on their tracking links and the orders the shop reports, and report what
//! the campaign earned — per member, per role and in all, every rate with its interval, and
//! natives against professionals.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use socialset_analysis::campaign::{
    self as stats, attribute, campaign_statistics, click_fates, Claim, ClickEvent, ClickFate,
    Comparison, Estimate, Figures, MemberActivity, StatsConfig,
};
use socialset_analysis::sentiment::Polarity;
use socialset_analysis::ugc::UgcKind;
use socialset_ingest::{read_orders, OrderLine};
use socialset_model::{
    AccountId, Campaign, Click, Member, MemberStatus, NotCounted, Objective, Order, OrderSource,
    Role, Timestamp,
};

use crate::{Error, Result, TimeWindow, Workspace};

pub use socialset_analysis::campaign::DEFAULT_WINDOW_DAYS;

const DAY_MS: i64 = 86_400_000;

/// What a new campaign is.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignSpec {
    pub name: String,
    pub brand: String,
    pub brief: Option<String>,
    pub objective: Objective,
    pub start: Timestamp,
    pub end: Timestamp,
    pub budget: f64,
    pub currency: String,
    pub destination: String,
    pub hashtags: Vec<String>,
    pub disclosure: Vec<String>,
}

/// A member to add: an account (its id, or `@handle` of an imported account), its role and
/// fee; the promo code is made from its handle unless given.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMember {
    pub account: String,
    pub role: Role,
    pub fee: f64,
    pub status: MemberStatus,
    pub promo_code: Option<String>,
    pub predicted_reach: Option<f64>,
}

/// Rates to the campaign's currency: one unit of the key is worth the value.
pub type Rates = BTreeMap<String, f64>;

/// What adding conversions did.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversionsAdded {
    /// The layout the file was read as (none for a webhook's body).
    pub layout: Option<&'static str>,
    pub read: usize,
    pub added: usize,
    /// Orders the campaign already held (a repeated order id is counted once).
    pub already_held: usize,
    /// Rows that repeated an order of the same file (Shopify's item rows, repeated ids).
    pub repeated_rows: usize,
}

/// How to report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    /// How long after a visit an order is owed to it.
    pub window_days: u32,
    pub stats: StatsConfig,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            window_days: DEFAULT_WINDOW_DAYS,
            stats: StatsConfig::default(),
        }
    }
}

/// One member's line of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberLine {
    pub member: Member,
    pub handle: Option<String>,
    pub followers: Option<u64>,
    /// Whether the account is in the imported data (its posts can be found).
    pub in_data: bool,
    pub figures: Figures,
}

/// A post of a member that carries the campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignPost {
    pub id: String,
    pub member: String,
    pub at: Option<Timestamp>,
    /// What tied it to the campaign: "link", "code", "#hashtag".
    pub matched_by: Vec<String>,
    pub engagements: u64,
    /// Distinct accounts that engaged with it.
    pub reach: u64,
    /// Its disclosure verdict (AGCOM/IAP and FTC rules): a campaign post is sponsored, so no
    /// label at all is "undisclosed".
    pub disclosure: &'static str,
    /// Whether it carries one of the labels the campaign requires.
    pub required_label: bool,
}

/// Clicks as the redirect recorded them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClickCounts {
    pub requests: u64,
    pub visits: u64,
    pub unique_visitors: u64,
    pub repeats: u64,
    pub crawlers: u64,
    pub previews: u64,
    pub prefetches: u64,
}

/// Orders nobody can claim, by reason.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unclaimed {
    pub orders: u64,
    pub revenue: f64,
    pub by_reason: Vec<(&'static str, u64)>,
}

/// What the plan predicted a role would reach, against what its posts reached.
#[derive(Clone, Debug, PartialEq)]
pub struct ReachCheck {
    pub role: Role,
    /// The plan's expected reach with its 95% interval.
    pub predicted: Option<Estimate>,
    /// Distinct accounts that engaged with the role's campaign posts.
    pub observed: u64,
}

/// One day of the campaign's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct DayLine {
    pub day: Timestamp,
    pub visits: u64,
    pub conversions: u64,
    pub revenue: f64,
}

/// What non-members said of the brand in one period.
#[derive(Clone, Debug, PartialEq)]
pub struct VoicePeriod {
    pub period: &'static str,
    pub since: Timestamp,
    pub until: Timestamp,
    pub mentions: u64,
    /// Mentions per day, with Garwood's interval.
    pub mentions_per_day: Estimate,
    pub questions: u64,
    /// Share of the mentions that are questions (Wilson).
    pub question_share: Option<Estimate>,
    /// Share of the mentions whose sentiment is positive (Wilson).
    pub positive_share: Option<Estimate>,
}

/// The campaign's report.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignReport {
    pub campaign: Campaign,
    pub window_days: u32,
    pub members: Vec<MemberLine>,
    pub natives: Figures,
    pub professionals: Figures,
    pub total: Figures,
    pub comparison: Comparison,
    /// The plain sentence on natives against professionals.
    pub verdict: String,
    pub clicks: ClickCounts,
    pub unclaimed: Unclaimed,
    pub reach: Vec<ReachCheck>,
    pub posts: Vec<CampaignPost>,
    pub timeline: Vec<DayLine>,
    pub voice: Vec<VoicePeriod>,
    /// Orders made up by `socialset demo` (labelled as such wherever shown).
    pub simulated_orders: u64,
    /// Whether clicks and orders were made up (`simulate_campaign`): what is simulated.
    pub simulated: Option<String>,
}

/// A random lower-case base-32 code of `n` characters (no 0/1/l/o to misread).
pub fn random_code(n: usize) -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// Whether `url` is an absolute http(s) URL with a host and nothing a browser would reread.
pub fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !host.contains('@')
        && !host.contains('\\')
        && url.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

fn refused(parameter: &'static str, message: impl Into<String>) -> Error {
    Error::Refused {
        parameter,
        message: message.into(),
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn finite_money(v: f64) -> bool {
    v.is_finite() && (0.0..=1e12).contains(&v)
}

/// A promo code from a handle (or an id without one): its letters and digits, upper case, at
/// most 10, then two digits (`ANNA10`); an id of digits only takes its platform in front
/// (`HIGGS8810`) so that a code is never a bare number; `PROMO` when there is nothing.
fn code_from(id: &AccountId, handle: Option<&str>, n: u32) -> String {
    let clean = |s: &str, most: usize| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .take(most)
            .collect::<String>()
            .to_ascii_uppercase()
    };
    let mut stem = clean(handle.unwrap_or(id.local()), 10);
    if !stem.chars().any(|c| c.is_ascii_alphabetic()) {
        stem = format!("{}{stem}", clean(id.platform().unwrap_or("promo"), 5));
    }
    if stem.is_empty() {
        stem = "PROMO".into();
    }
    format!("{stem}{:02}", 10 + n % 90)
}

impl Workspace {
    /// Creates a campaign, with a fresh secret for its conversion webhook.
    pub fn create_campaign(&mut self, spec: &CampaignSpec) -> Result<Campaign> {
        if !valid_name(&spec.name) {
            return Err(refused(
                "name",
                format!(
                    "campaign name {:?}: use 1–64 letters, digits, - and _",
                    spec.name
                ),
            ));
        }
        if spec.brand.trim().is_empty() {
            return Err(refused("brand", "a campaign needs a brand"));
        }
        if spec.end <= spec.start {
            return Err(refused("end", "a campaign must end after it starts"));
        }
        if !finite_money(spec.budget) {
            return Err(refused(
                "budget",
                "the budget must be between 0 and a trillion",
            ));
        }
        let currency = spec.currency.trim().to_ascii_uppercase();
        if !socialset_model::is_currency_code(&currency) {
            return Err(refused(
                "currency",
                format!(
                    "{:?} is not an ISO 4217 currency code (e.g. EUR)",
                    spec.currency
                ),
            ));
        }
        if !is_http_url(&spec.destination) {
            return Err(refused(
                "destination",
                format!(
                    "{:?} is not an http(s) URL with a host: tracking links lead only there",
                    spec.destination
                ),
            ));
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let campaign = Campaign {
            name: spec.name.clone(),
            brand: spec.brand.trim().to_owned(),
            brief: spec.brief.clone().filter(|b| !b.trim().is_empty()),
            objective: spec.objective,
            start: spec.start,
            end: spec.end,
            budget: spec.budget,
            currency,
            destination: spec.destination.clone(),
            hashtags: spec
                .hashtags
                .iter()
                .map(|h| h.trim().trim_start_matches('#').to_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            disclosure: spec
                .disclosure
                .iter()
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty())
                .collect(),
            webhook_secret: random_code(40)?,
            created_at: Timestamp::from_epoch_ms(now).unwrap_or(spec.start),
        };
        if !self.store.create_campaign(&campaign)? {
            return Err(refused(
                "name",
                format!("a campaign named {} exists already", campaign.name),
            ));
        }
        Ok(campaign)
    }

    /// Every campaign, the newest first.
    pub fn campaigns(&self) -> Result<Vec<Campaign>> {
        Ok(self.store.campaigns()?)
    }

    /// The campaign of that name.
    pub fn campaign(&self, name: &str) -> Result<Campaign> {
        let all = self.store.campaigns()?;
        let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        let known = if names.is_empty() {
            "there are none yet: socialset campaign create".to_owned()
        } else {
            format!("known: {}", names.join(", "))
        };
        let message = format!("no campaign named {name:?} ({known})");
        all.iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or(Error::NotFound(message))
    }

    /// A campaign's members.
    pub fn campaign_members(&self, name: &str) -> Result<Vec<Member>> {
        self.campaign(name)?;
        Ok(self.store.members(name)?)
    }

    /// Adds members (or updates the role, fee and status of those already in), each with a
    /// tracking link and a promo code; gives the campaign's members.
    pub fn add_members(&mut self, name: &str, new: &[NewMember]) -> Result<Vec<Member>> {
        self.campaign(name)?;
        let existing = self.store.members(name)?;
        let accounts = self.store.accounts()?;
        let mut codes: HashSet<String> = existing.iter().map(|m| m.promo_code.clone()).collect();
        let mut members = Vec::with_capacity(new.len());
        for (i, m) in new.iter().enumerate() {
            let field = |f: &str| format!("member {} ({}): {f}", i + 1, m.account);
            if !finite_money(m.fee) {
                return Err(refused(
                    "fee",
                    field("the fee must be between 0 and a trillion"),
                ));
            }
            let (id, handle) =
                resolve(&accounts, &m.account).map_err(|e| Error::Usage(field(&e)))?;
            let held = existing.iter().find(|e| e.account == id);
            let promo_code = match (&m.promo_code, held) {
                (_, Some(h)) => h.promo_code.clone(),
                (Some(c), None) => {
                    let c = c.trim().to_ascii_uppercase();
                    if c.is_empty()
                        || c.len() > 32
                        || !c
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
                    {
                        return Err(refused(
                            "promo_code",
                            field("a promo code is 1–32 letters, digits, - and _"),
                        ));
                    }
                    c
                }
                (None, None) => {
                    // Ninety tries with the handle's stem (a stem shared by many handles runs
                    // out), then a random code.
                    match (0..90)
                        .map(|n| code_from(&id, handle.as_deref(), n))
                        .find(|c| !codes.contains(c))
                    {
                        Some(c) => c,
                        None => random_code(8)?.to_ascii_uppercase(),
                    }
                }
            };
            if held.is_none() && !codes.insert(promo_code.clone()) {
                return Err(refused(
                    "promo_code",
                    field(&format!("promo code {promo_code} is another member's")),
                ));
            }
            members.push(Member {
                account: id,
                role: m.role,
                fee: m.fee,
                status: m.status,
                link: match held {
                    Some(h) => h.link.clone(),
                    None => random_code(10)?,
                },
                promo_code,
                predicted_reach: m.predicted_reach,
            });
        }
        self.store
            .put_members(name, &members)
            .map_err(|e| match e {
                socialset_store::Error::Conflict(m) => Error::Usage(m),
                e => e.into(),
            })?;
        Ok(self.store.members(name)?)
    }

    /// Adds the members of a plan (`socialset plan --format json`, or the API's plan): the
    /// Social Set as natives, the professional plan as professionals, each at the fee the plan
    /// priced and with the reach it predicted; the plan's predicted reach per role is kept
    /// for the report.
    pub fn add_members_from_plan(&mut self, name: &str, plan_json: &str) -> Result<Vec<Member>> {
        let plan: serde_json::Value = serde_json::from_str(plan_json)
            .map_err(|e| Error::Usage(format!("the plan is not JSON ({e})")))?;
        let mut sets = Vec::new();
        for (key, role) in [
            ("social_set", Role::Native),
            ("professional", Role::Professional),
        ] {
            let Some(set) = plan.get(key).filter(|s| !s.is_null()) else {
                continue;
            };
            let members = set
                .get("members")
                .and_then(serde_json::Value::as_array)
                .ok_or_else(|| Error::Usage(format!("the plan's {key} has no members list")))?;
            let mut listed = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let at = |f: &str| format!("the plan's field \"{key}.members[{i}].{f}\"");
                let id = m
                    .get("id")
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| Error::Usage(format!("{} is missing", at("id"))))?;
                let fee = m
                    .get("cost_eur")
                    .and_then(serde_json::Value::as_f64)
                    .ok_or_else(|| Error::Usage(format!("{} is not a number", at("cost_eur"))))?;
                let gain = m.get("marginal_reach").and_then(serde_json::Value::as_f64);
                listed.push((id.to_owned(), fee, gain));
            }
            let reach = set.get("reach").and_then(|r| {
                let num = |k: &str| r.get(k).and_then(serde_json::Value::as_f64);
                Some(Estimate {
                    value: num("mean")?,
                    low: num("low")?,
                    high: num("high")?,
                })
            });
            sets.push((role, listed, reach));
        }
        self.add_plan_sets(name, sets)
    }

    /// Adds the members of a plan just made (the demo's).
    pub fn add_members_from_plan_report(
        &mut self,
        name: &str,
        plan: &crate::PlanReport,
    ) -> Result<Vec<Member>> {
        let set = |s: &crate::PlanSet| {
            (
                s.members
                    .iter()
                    .map(|m| (m.id.clone(), m.cost, m.marginal_reach))
                    .collect::<Vec<_>>(),
                Some(Estimate {
                    value: s.reach.mean,
                    low: s.reach.low,
                    high: s.reach.high,
                }),
            )
        };
        let mut sets = Vec::new();
        let (members, reach) = set(&plan.social_set);
        sets.push((Role::Native, members, reach));
        if let Some(p) = &plan.professional {
            let (members, reach) = set(p);
            sets.push((Role::Professional, members, reach));
        }
        self.add_plan_sets(name, sets)
    }

    #[allow(clippy::type_complexity)]
    fn add_plan_sets(
        &mut self,
        name: &str,
        sets: Vec<(Role, Vec<(String, f64, Option<f64>)>, Option<Estimate>)>,
    ) -> Result<Vec<Member>> {
        self.campaign(name)?;
        let mut new = Vec::new();
        for (role, members, _) in &sets {
            new.extend(members.iter().map(|(id, fee, gain)| NewMember {
                account: id.clone(),
                role: *role,
                fee: *fee,
                status: MemberStatus::Invited,
                promo_code: None,
                predicted_reach: *gain,
            }));
        }
        if new.is_empty() {
            return Err(Error::Usage("the plan has no members".into()));
        }
        let members = self.add_members(name, &new)?;
        for (role, _, reach) in &sets {
            if let Some(r) = reach {
                self.store.set_meta(
                    &format!("campaign:{name}:predicted:{role}"),
                    &format!("{} {} {}", r.value, r.low, r.high),
                )?;
            }
        }
        Ok(members)
    }

    /// Every tracking link: (link, campaign, member account id).
    pub fn tracking_links(&self) -> Result<Vec<(String, String, String)>> {
        Ok(self.store.links()?)
    }

    /// Records clicks (durable when this returns); gives their ids.
    pub fn record_clicks(&mut self, clicks: &[Click]) -> Result<Vec<i64>> {
        Ok(self.store.add_clicks(clicks)?)
    }

    /// Reads a conversions file (socialset CSV or JSON Lines, or Shopify's order export) and
    /// adds its orders to the campaign, all or none: a bad row, or an order in another
    /// currency without a rate, changes nothing.
    pub fn import_conversions(
        &mut self,
        name: &str,
        path: &Path,
        rates: &Rates,
    ) -> Result<ConversionsAdded> {
        let file = read_orders(path).map_err(Error::BadInput)?;
        let shown = path.display().to_string();
        let mut added =
            self.add_conversions(name, &file.orders, rates, OrderSource::File, &|o| {
                format!("{shown}:{}", o.line)
            })?;
        added.layout = Some(file.layout.name());
        added.repeated_rows = file.repeated_rows;
        Ok(added)
    }

    /// Adds orders already read (a webhook's body, a file's rows), converting each to the
    /// campaign's currency at the rate given for its own; `place` names where an order came
    /// from in errors.
    pub fn add_conversions(
        &mut self,
        name: &str,
        lines: &[OrderLine],
        rates: &Rates,
        source: OrderSource,
        place: &dyn Fn(&OrderLine) -> String,
    ) -> Result<ConversionsAdded> {
        let campaign = self.campaign(name)?;
        let mut orders = Vec::with_capacity(lines.len());
        for l in lines {
            let rate = if l.currency == campaign.currency {
                1.0
            } else {
                match rates.get(&l.currency) {
                    Some(r) if r.is_finite() && *r > 0.0 => *r,
                    _ => {
                        return Err(Error::Usage(format!(
                            "{}: field \"currency\": an order in {} needs its rate to the campaign's {} (e.g. --rate {}=0.92); socialset never converts on its own",
                            place(l),
                            l.currency,
                            campaign.currency,
                            l.currency
                        )))
                    }
                }
            };
            orders.push(Order {
                campaign: name.to_owned(),
                order_id: l.order_id.clone(),
                at: l.at,
                value: l.value * rate,
                original_currency: l.currency.clone(),
                original_value: l.value,
                rate,
                code: l.code.clone(),
                click: l.click,
                member: None,
                source,
            });
        }
        let added = self.store.add_orders(&orders)?;
        Ok(ConversionsAdded {
            layout: None,
            read: orders.len(),
            added,
            already_held: orders.len() - added,
            repeated_rows: 0,
        })
    }

    /// Makes up clicks and orders for a campaign's members, for the demo: each member's
    /// visits Poisson around 0.4 per unit of its fee (what a market pricing reach fairly would
    /// give), each visit converting with 4% (natives) or 2% (professionals), some
    /// orders by promo code alone, a few nobody can claim, a few crawler and preview requests
    /// and repeats. Everything made is labelled simulated in the report.
    pub fn simulate_campaign(&mut self, name: &str, seed: u64) -> Result<()> {
        let campaign = self.campaign(name)?;
        let members = self.store.members(name)?;
        let mut rng = socialset_graph::SplitMix64::new(seed);
        let span = (campaign.end.epoch_ms() - campaign.start.epoch_ms()).max(1);
        let at = |ms: i64| Timestamp::from_epoch_ms(ms).unwrap_or(campaign.start);
        let mut clicks = Vec::new();
        let mut converts = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let p = match m.role {
                Role::Native => 0.04,
                Role::Professional => 0.02,
            };
            let visits = poisson(m.fee * 0.4, &mut rng);
            for k in 0..visits {
                let t = campaign.start.epoch_ms() + (rng.next_f64() * span as f64) as i64;
                // A made-up visitor per visit (the high bit set: never a server's hash… nor
                // does it matter, they are labelled simulated).
                let visitor = (1u64 << 63) | ((i as u64) << 32) | k;
                let not_counted = match rng.below(50) {
                    0 => Some(NotCounted::Crawler),
                    1 => Some(NotCounted::Preview),
                    _ => None,
                };
                clicks.push(Click {
                    id: 0,
                    campaign: name.to_owned(),
                    member: m.account.clone(),
                    at: at(t),
                    visitor,
                    not_counted,
                });
                if rng.below(10) == 0 {
                    // The same visitor again a few minutes later: a repeat.
                    clicks.push(Click {
                        at: at(t + 300_000),
                        ..clicks[clicks.len() - 1].clone()
                    });
                }
                if not_counted.is_none() && rng.next_f64() < p {
                    converts.push((clicks.len() - 1, i, t));
                }
            }
        }
        let ids = self.store.add_clicks(&clicks)?;
        let mut orders = Vec::new();
        for (n, &(click, member, t)) in converts.iter().enumerate() {
            let by_code = rng.below(3) == 0;
            let value = 20.0 + (rng.next_f64() * 60.0).round();
            orders.push(Order {
                campaign: name.to_owned(),
                order_id: format!("SIM-{:05}", n + 1),
                at: at(t + (rng.next_f64() * 3.0 * DAY_MS as f64) as i64),
                value,
                original_currency: campaign.currency.clone(),
                original_value: value,
                rate: 1.0,
                code: by_code.then(|| members[member].promo_code.clone()),
                click: (!by_code).then(|| ids[click]),
                member: None,
                source: OrderSource::Simulated,
            });
        }
        for k in 0..2 {
            orders.push(Order {
                campaign: name.to_owned(),
                order_id: format!("SIM-UNCLAIMED-{k}"),
                at: at(campaign.start.epoch_ms() + span / 2),
                value: 35.0,
                original_currency: campaign.currency.clone(),
                original_value: 35.0,
                rate: 1.0,
                code: None,
                click: None,
                member: None,
                source: OrderSource::Simulated,
            });
        }
        self.store.add_orders(&orders)?;
        self.store
            .set_meta(&format!("campaign:{name}:simulated"), "clicks and orders")?;
        Ok(())
    }

    /// The campaign's report.
    pub fn campaign_report(&self, name: &str, options: &ReportOptions) -> Result<CampaignReport> {
        if options.window_days == 0 || options.window_days > 365 {
            return Err(refused(
                "window_days",
                "the attribution window is 1–365 days",
            ));
        }
        let campaign = self.campaign(name)?;
        let members = self.store.members(name)?;
        self.progress.step("clicks", 0);
        let held = self.store.click_count(name)?;
        if held > self.limits.max_campaign_clicks {
            return Err(refused(
                "campaign",
                format!(
                    "{name} holds {held} clicks, more than the {} a report may read (about 200 bytes each): raise --max-campaign-clicks (docs/LIMITS.md)",
                    self.limits.max_campaign_clicks
                ),
            ));
        }
        let stored = self.store.clicks(name)?;
        self.cancel.check()?;
        let index: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .map(|(i, m)| (m.account.as_str(), i))
            .collect();
        // The clicks' fates are worked out while the orders are read.
        let (clicks, fates, orders) = std::thread::scope(|scope| {
            let worked = scope.spawn(|| {
                let member_of: Vec<u32> = stored
                    .accounts
                    .iter()
                    .map(|a| {
                        index
                            .get(a.as_str())
                            .map_or(stats::NO_MEMBER, |&i| i as u32)
                    })
                    .collect();
                let clicks: Vec<ClickEvent> = stored
                    .clicks
                    .iter()
                    .map(|c| ClickEvent {
                        id: c.id,
                        member: member_of[c.account as usize],
                        at: c.at.epoch_ms(),
                        visitor: c.visitor,
                        not_counted: c.not_counted,
                    })
                    .collect();
                let fates = click_fates(&clicks);
                (clicks, fates)
            });
            let orders = self.store.orders(name);
            let (clicks, fates) = worked
                .join()
                .map_err(|_| Error::Internal("working out the clicks failed".into()))?;
            Ok::<_, Error>((clicks, fates, orders?))
        })?;
        drop(stored);
        self.cancel.check()?;
        let claims = attribute(&members, &clicks, &fates, &orders, options.window_days);

        let mut activity: Vec<MemberActivity> = members
            .iter()
            .map(|m| MemberActivity {
                fee: m.fee,
                ..MemberActivity::default()
            })
            .collect();
        let mut counts = ClickCounts {
            requests: clicks.len() as u64,
            ..ClickCounts::default()
        };
        let mut timeline: BTreeMap<i64, DayLine> = BTreeMap::new();
        for (c, fate) in clicks.iter().zip(&fates) {
            match fate {
                ClickFate::Visit => {
                    counts.visits += 1;
                    day_line(&mut timeline, c.at).visits += 1;
                    if let Some(a) = activity.get_mut(c.member as usize) {
                        a.clicks += 1;
                    }
                }
                ClickFate::Repeat => counts.repeats += 1,
                ClickFate::NotCounted(NotCounted::Crawler) => counts.crawlers += 1,
                ClickFate::NotCounted(NotCounted::Preview) => counts.previews += 1,
                ClickFate::NotCounted(NotCounted::Prefetch) => counts.prefetches += 1,
            }
        }
        let (per_member, all_visitors) = stats::distinct_visitors(&clicks, &fates, members.len());
        for (a, n) in activity.iter_mut().zip(per_member) {
            a.unique_visitors = n;
        }
        counts.unique_visitors = all_visitors;
        let mut converting: HashSet<usize> = HashSet::new();
        let mut unclaimed = Unclaimed::default();
        let mut reasons: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut simulated_orders = 0;
        for (o, claim) in orders.iter().zip(&claims) {
            simulated_orders += u64::from(o.source == OrderSource::Simulated);
            let member = match *claim {
                Claim::Named { member } | Claim::Code { member } => member,
                Claim::Click { member, click } => {
                    if converting.insert(click) {
                        activity[member].converting_clicks += 1;
                    }
                    member
                }
                Claim::Unclaimed(why) => {
                    unclaimed.orders += 1;
                    unclaimed.revenue += o.value;
                    *reasons.entry(why.describe()).or_default() += 1;
                    continue;
                }
            };
            activity[member].conversions += 1;
            activity[member].revenue += o.value;
            let d = day_line(&mut timeline, o.at.epoch_ms());
            d.conversions += 1;
            d.revenue += o.value;
        }
        unclaimed.by_reason = reasons.into_iter().collect();

        self.progress.step("campaign posts", 0);
        let accounts = self.store.accounts()?;
        let posts = self.campaign_posts(&campaign, &members, &accounts, &mut activity)?;
        self.cancel.check()?;

        let roles: Vec<(Role, MemberActivity)> = members
            .iter()
            .zip(&activity)
            .map(|(m, a)| (m.role, a.clone()))
            .collect();
        self.progress.step("intervals", 0);
        let s = campaign_statistics(&roles, &options.stats);
        let by_id: HashMap<&str, &socialset_model::Account> =
            accounts.iter().map(|(_, a)| (a.id.as_str(), a)).collect();
        let lines = members
            .iter()
            .zip(s.members)
            .map(|(m, figures)| {
                let a = by_id.get(m.account.as_str());
                MemberLine {
                    handle: a.and_then(|a| a.handle.clone()),
                    followers: a.and_then(|a| a.followers),
                    in_data: a.is_some(),
                    member: m.clone(),
                    figures,
                }
            })
            .collect();
        let reach = [Role::Native, Role::Professional]
            .into_iter()
            .filter(|r| members.iter().any(|m| m.role == *r))
            .map(|role| {
                let predicted = self
                    .store
                    .meta(&format!("campaign:{name}:predicted:{role}"))
                    .ok()
                    .flatten()
                    .and_then(|v| {
                        let n: Vec<f64> = v.split(' ').filter_map(|x| x.parse().ok()).collect();
                        (n.len() == 3).then(|| Estimate {
                            value: n[0],
                            low: n[1],
                            high: n[2],
                        })
                    });
                let observed = posts
                    .iter()
                    .filter(|p| {
                        index
                            .get(p.member.as_str())
                            .is_some_and(|&i| members[i].role == role)
                    })
                    .map(|p| p.reach)
                    .sum();
                ReachCheck {
                    role,
                    predicted,
                    observed,
                }
            })
            .collect();
        self.progress.step("what customers say", 0);
        let voice = self.brand_voice(&campaign, &members)?;
        let verdict = s
            .comparison
            .verdict
            .sentence(s.comparison.cpa_ratio.as_ref());
        Ok(CampaignReport {
            window_days: options.window_days,
            members: lines,
            natives: s.natives,
            professionals: s.professionals,
            total: s.total,
            verdict,
            comparison: s.comparison,
            clicks: counts,
            unclaimed,
            reach,
            posts,
            timeline: timeline.into_values().collect(),
            voice,
            simulated_orders,
            simulated: self.store.meta(&format!("campaign:{name}:simulated"))?,
            campaign,
        })
    }

    /// Members' posts within the campaign that carry its link, code or hashtag, with their
    /// engagement, observed reach and disclosure; adds each member's posts, reach and
    /// engagements to `activity`.
    fn campaign_posts(
        &self,
        campaign: &Campaign,
        members: &[Member],
        accounts: &[(socialset_store::StoredAccount, socialset_model::Account)],
        activity: &mut [MemberActivity],
    ) -> Result<Vec<CampaignPost>> {
        let member_of: HashMap<i64, usize> = accounts
            .iter()
            .filter_map(|(k, a)| {
                members
                    .iter()
                    .position(|m| m.account == a.id)
                    .map(|i| (k.0, i))
            })
            .collect();
        if member_of.is_empty() {
            return Ok(Vec::new());
        }
        let destination = campaign
            .destination
            .split_once("://")
            .map_or(campaign.destination.as_str(), |(_, rest)| rest)
            .trim_end_matches('/')
            .to_lowercase();
        let mut out = Vec::new();
        let mut post_index: HashMap<String, (usize, usize)> = HashMap::new();
        for p in self.store.posts()? {
            let Some(&m) = member_of.get(&p.author.0) else {
                continue;
            };
            if !p.at.is_some_and(|t| campaign.runs_at(t)) {
                continue;
            }
            let text = p.text.as_deref().unwrap_or("");
            let lower = text.to_lowercase();
            let member = &members[m];
            let mut matched_by = Vec::new();
            let link_path = format!("/r/{}", member.link);
            let carries_link = p.urls.iter().chain(std::iter::once(&lower)).any(|u| {
                let u = u.to_lowercase();
                u.contains(&link_path) || (!destination.is_empty() && u.contains(&destination))
            });
            if carries_link {
                matched_by.push("link".to_owned());
            }
            let code = member.promo_code.to_lowercase();
            if lower
                .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '_')
                .any(|w| w == code)
            {
                matched_by.push("code".to_owned());
            }
            for h in &campaign.hashtags {
                if p.hashtags.iter().any(|t| t == h) {
                    matched_by.push(format!("#{h}"));
                }
            }
            if matched_by.is_empty() {
                continue;
            }
            let ties = socialset_analysis::brand::post_ties(text, &p.urls);
            let disclosure = match socialset_analysis::brand::disclosure(&ties) {
                socialset_analysis::brand::Disclosure::NotSponsored => {
                    socialset_analysis::brand::Disclosure::Undisclosed
                }
                d => d,
            };
            let required_label = campaign
                .disclosure
                .iter()
                .any(|l| lower.contains(&l.to_lowercase()));
            post_index.insert(p.id.as_str().to_owned(), (out.len(), m));
            out.push((
                CampaignPost {
                    id: p.id.as_str().to_owned(),
                    member: member.account.as_str().to_owned(),
                    at: p.at,
                    matched_by,
                    // Likes and shares on record, plus each interaction with it (as `ugc`).
                    engagements: p.likes.unwrap_or(0) + p.shares.unwrap_or(0),
                    reach: 0,
                    disclosure: disclosure.as_str(),
                    required_label,
                },
                HashSet::new(),
            ));
        }
        if !out.is_empty() {
            for i in self.store.interactions()? {
                let Some(post) = &i.post else { continue };
                if let Some(&(at, _)) = post_index.get(post.as_str()) {
                    let (p, engagers) = &mut out[at];
                    engagers.insert(i.src.0);
                    p.engagements += 1;
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(mut p, engagers)| {
                p.reach = engagers.len() as u64;
                if let Some(&(_, m)) = post_index.get(&p.id) {
                    activity[m].posts += 1;
                    activity[m].reach += p.reach;
                    activity[m].engagements += p.engagements;
                }
                p
            })
            .collect())
    }

    /// What non-members said of the brand before, during and after the campaign (each period
    /// as long as the campaign): mentions per day, the share that are questions, the share
    /// that are positive.
    fn brand_voice(&self, campaign: &Campaign, members: &[Member]) -> Result<Vec<VoicePeriod>> {
        let length = campaign.end.epoch_ms() - campaign.start.epoch_ms();
        let at = |ms: i64| Timestamp::from_epoch_ms(ms).unwrap_or(campaign.start);
        let periods = [
            (
                "before",
                at(campaign.start.epoch_ms() - length),
                campaign.start,
            ),
            ("during", campaign.start, campaign.end),
            ("after", campaign.end, at(campaign.end.epoch_ms() + length)),
        ];
        let report = self.ugc(&crate::UgcOptions {
            kind: None,
            sentiment: None,
            language: None,
            brand: Some(campaign.brand.clone()),
            query: None,
            window: TimeWindow {
                since: Some(periods[0].1),
                until: Some(periods[2].2),
            },
            top: usize::MAX,
        })?;
        let member_ids: HashSet<&str> = members.iter().map(|m| m.account.as_str()).collect();
        Ok(periods
            .into_iter()
            .map(|(period, since, until)| {
                let items: Vec<_> = report
                    .items
                    .iter()
                    .filter(|i| !member_ids.contains(i.author.as_str()))
                    .filter(|i| i.at.is_some_and(|t| since <= t && t < until))
                    .collect();
                let n = items.len() as u64;
                let questions = items.iter().filter(|i| i.kind == UgcKind::Question).count() as u64;
                let positive = items
                    .iter()
                    .filter(|i| i.polarity == Polarity::Positive)
                    .count() as u64;
                let days = ((until.epoch_ms() - since.epoch_ms()) as f64 / DAY_MS as f64).max(1e-9);
                let (lo, hi) = stats::poisson_interval(n);
                let share = |k: u64| {
                    socialset_analysis::audit::wilson(k, n).map(|s| Estimate {
                        value: s.share,
                        low: s.low,
                        high: s.high,
                    })
                };
                VoicePeriod {
                    period,
                    since,
                    until,
                    mentions: n,
                    mentions_per_day: Estimate {
                        value: n as f64 / days,
                        low: lo / days,
                        high: hi / days,
                    },
                    questions,
                    question_share: share(questions),
                    positive_share: share(positive),
                }
            })
            .collect())
    }
}

/// A Poisson draw (Knuth's method below 30, a rounded normal above).
fn poisson(mean: f64, rng: &mut socialset_graph::SplitMix64) -> u64 {
    if mean < 30.0 {
        let limit = (-mean).exp();
        let (mut k, mut p) = (0u64, rng.next_f64());
        while p > limit {
            k += 1;
            p *= rng.next_f64();
        }
        k
    } else {
        let (u1, u2) = (rng.next_f64().max(1e-12), rng.next_f64());
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        (mean + z * mean.sqrt()).round().max(0.0) as u64
    }
}

/// The timeline's line for the (UTC) day of `at` (epoch milliseconds).
fn day_line(timeline: &mut BTreeMap<i64, DayLine>, at: i64) -> &mut DayLine {
    let d = at.div_euclid(DAY_MS) * DAY_MS;
    timeline.entry(d).or_insert_with(|| DayLine {
        day: Timestamp::from_epoch_ms(d)
            .unwrap_or_else(|| Timestamp::from_epoch_ms(0).expect("epoch")),
        visits: 0,
        conversions: 0,
        revenue: 0.0,
    })
}

/// An account named by id or `@handle`: its id and handle. An id (`platform:local`) not in the
/// data is accepted (a professional hired from outside it); a handle must be known.
fn resolve(
    accounts: &[(socialset_store::StoredAccount, socialset_model::Account)],
    given: &str,
) -> std::result::Result<(AccountId, Option<String>), String> {
    let g = given.trim();
    if g.is_empty() {
        return Err("the account is empty".into());
    }
    if let Some((_, a)) = accounts.iter().find(|(_, a)| a.id.as_str() == g) {
        return Ok((a.id.clone(), a.handle.clone()));
    }
    let bare = g.trim_start_matches('@').to_lowercase();
    let by_handle: Vec<&socialset_model::Account> = accounts
        .iter()
        .map(|(_, a)| a)
        .filter(|a| {
            a.handle
                .as_deref()
                .is_some_and(|h| h.trim_start_matches('@').to_lowercase() == bare)
        })
        .collect();
    match by_handle.as_slice() {
        [a] => Ok((a.id.clone(), a.handle.clone())),
        [] if g.contains(':') && !g.starts_with('@') => Ok((AccountId::new(g), None)),
        [] => Err(format!(
            "no imported account has the handle {g}; give its full id (platform:local) to add an account outside the data"
        )),
        many => Err(format!(
            "{} accounts have the handle {g}: give the full id ({})",
            many.len(),
            many.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The coverage of the report's intervals over simulated campaigns (docs/EVALUATION.md).
pub fn eval_campaign_intervals(campaigns: usize, seed: u64) -> stats::Coverage {
    stats::interval_coverage(
        &stats::Population::NATIVES,
        &stats::Population::PROFESSIONALS,
        campaigns,
        seed,
        StatsConfig::default().resamples,
    )
}

/// The coverage of the report's intervals under other populations than the seeds' (a check
/// that they hold where the simulation was not designed around).
pub fn eval_campaign_intervals_with(
    natives: &stats::Population,
    professionals: &stats::Population,
    campaigns: usize,
    seed: u64,
) -> stats::Coverage {
    stats::interval_coverage(
        natives,
        professionals,
        campaigns,
        seed,
        StatsConfig::default().resamples,
    )
}

/// Follower bands for engagement per follower: (label, lowest, highest).
pub const FOLLOWER_BANDS: [(&str, u64, u64); 6] = [
    ("under 1k", 1, 999),
    ("1k–5k (native)", 1_000, 5_000),
    ("5k–10k", 5_001, 9_999),
    ("10k–100k", 10_000, 99_999),
    ("100k–1M", 100_000, 999_999),
    ("1M and more", 1_000_000, u64::MAX),
];

/// Engagement per follower in one follower band.
#[derive(Clone, Debug, PartialEq)]
pub struct BandEngagement {
    pub band: &'static str,
    pub accounts: usize,
    pub posts: usize,
    /// The median over accounts of (likes + shares per post) / followers.
    pub median: f64,
    /// The mean over accounts, with a seeded bootstrap 95% interval over accounts.
    pub mean: Estimate,
}

/// Engagement per follower by band, for posts of one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct EngagementByBand {
    /// "original posts" or "replies".
    pub posts_of: &'static str,
    pub bands: Vec<BandEngagement>,
}

/// Does a smaller account draw more engagement per follower? Imports `files` into a throwaway
/// store and, for every account with a known follower count, averages the likes and shares
/// its posts received on record per follower; original posts and replies apart (a reply
/// draws far less than a post, and small accounts reply more). Bands by followers.
pub fn eval_engagement_by_band(
    files: &[std::path::PathBuf],
    rejects: &Path,
) -> Result<Vec<EngagementByBand>> {
    let dir = tempfile::tempdir().map_err(Error::io("a temporary folder"))?;
    let mut ws = Workspace::open(&dir.path().join("e.db"))?;
    ws.import(
        files,
        &crate::ImportOptions {
            skip_bad: true,
            rejects_dir: Some(rejects.to_owned()),
            ..crate::ImportOptions::default()
        },
        &mut crate::NoProgress,
    )?;
    let followers: HashMap<i64, u64> = ws
        .store
        .accounts()?
        .into_iter()
        .filter_map(|(k, a)| a.followers.filter(|f| *f > 0).map(|f| (k.0, f)))
        .collect();
    let posts = ws.store.posts()?;
    let mut out = Vec::new();
    for (posts_of, replies) in [("original posts", false), ("replies", true)] {
        // Per account: the sum of engagement per follower and the number of posts.
        let mut per: BTreeMap<i64, (f64, usize)> = BTreeMap::new();
        for p in &posts {
            let is_reply = p.kind == socialset_model::PostKind::Reply;
            if is_reply != replies || p.kind == socialset_model::PostKind::Share {
                continue;
            }
            let (Some(&f), Some(likes), Some(shares)) =
                (followers.get(&p.author.0), p.likes, p.shares)
            else {
                continue;
            };
            let e = per.entry(p.author.0).or_default();
            e.0 += (likes + shares) as f64 / f as f64;
            e.1 += 1;
        }
        let bands = FOLLOWER_BANDS
            .iter()
            .map(|&(band, lo, hi)| {
                let mut values: Vec<f64> = Vec::new();
                let mut n_posts = 0;
                for (k, (sum, n)) in &per {
                    let f = followers[k];
                    if (lo..=hi).contains(&f) {
                        values.push(sum / *n as f64);
                        n_posts += n;
                    }
                }
                values.sort_by(f64::total_cmp);
                let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
                let mut rng = socialset_graph::SplitMix64::new(2016);
                let mut draws: Vec<f64> = (0..2000)
                    .map(|_| {
                        (0..values.len())
                            .map(|_| values[rng.below(values.len())])
                            .sum::<f64>()
                            / values.len().max(1) as f64
                    })
                    .collect();
                draws.sort_by(f64::total_cmp);
                let q = |p: f64| {
                    draws
                        .get(((draws.len() - 1) as f64 * p).round() as usize)
                        .copied()
                        .unwrap_or(f64::NAN)
                };
                BandEngagement {
                    band,
                    accounts: values.len(),
                    posts: n_posts,
                    median: values.get(values.len() / 2).copied().unwrap_or(f64::NAN),
                    mean: Estimate {
                        value: mean,
                        low: if values.is_empty() {
                            f64::NAN
                        } else {
                            q(0.025)
                        },
                        high: if values.is_empty() {
                            f64::NAN
                        } else {
                            q(0.975)
                        },
                    },
                }
            })
            .collect();
        out.push(EngagementByBand { posts_of, bands });
    }
    Ok(out)
}
