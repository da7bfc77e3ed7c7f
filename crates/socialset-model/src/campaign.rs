//! Campaigns run through a Social Set: the campaign, its members with their tracking link and
//! promo code, the clicks on those links and the orders (conversions) that followed.

use std::fmt;
use std::str::FromStr;

use crate::{AccountId, Timestamp};

/// What a campaign is run for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Objective {
    Reach,
    Engagement,
    Conversions,
}

/// Whether a member was hired as a native influencer (a Social Set member) or a professional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Native,
    Professional,
}

/// Where a member stands in the campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberStatus {
    Invited,
    Accepted,
    Posted,
    Paid,
}

macro_rules! named {
    ($ty:ident, $what:literal, $($variant:ident => $name:literal),+) => {
        impl $ty {
            /// Every value, in order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The lower-case name used in files, flags and the API.
            pub fn name(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim().to_ascii_lowercase();
                $ty::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| {
                    let names: Vec<&str> = $ty::ALL.iter().map(|v| v.name()).collect();
                    format!(concat!("not a ", $what, " (one of {})"), names.join(", "))
                })
            }
        }
    };
}

named!(Objective, "campaign objective", Reach => "reach", Engagement => "engagement", Conversions => "conversions");
named!(Role, "member role", Native => "native", Professional => "professional");
named!(MemberStatus, "member status", Invited => "invited", Accepted => "accepted", Posted => "posted", Paid => "paid");

/// A campaign: what is promoted, to where, for how much, and what its posts must carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    /// Unique in its store: letters, digits, `-` and `_`.
    pub name: String,
    pub brand: String,
    pub brief: Option<String>,
    pub objective: Objective,
    pub start: Timestamp,
    pub end: Timestamp,
    pub budget: f64,
    /// ISO 4217 code (upper case) of the budget, fees and revenue.
    pub currency: String,
    /// Where tracking links lead: an http(s) URL, fixed for the campaign.
    pub destination: String,
    /// Lower-case, without `#`.
    pub hashtags: Vec<String>,
    /// Disclosure labels members' posts must carry (e.g. `#adv`, `#ad`).
    pub disclosure: Vec<String>,
    /// The secret conversion webhooks are signed with (HMAC-SHA256).
    pub webhook_secret: String,
    pub created_at: Timestamp,
}

impl Campaign {
    /// Whether `at` falls within the campaign (its start and end included).
    pub fn runs_at(&self, at: Timestamp) -> bool {
        self.start <= at && at <= self.end
    }
}

/// An account hired for a campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub account: AccountId,
    pub role: Role,
    /// What the member is paid, in the campaign's currency.
    pub fee: f64,
    pub status: MemberStatus,
    /// The code of its tracking link (`/r/{link}`): unique across stores, random.
    pub link: String,
    /// The promo code its audience types at checkout (upper case).
    pub promo_code: String,
    /// Accounts the plan predicted it would add to the reach, when it came from a plan.
    pub predicted_reach: Option<f64>,
}

/// Why a click is not counted as a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotCounted {
    /// A search-engine or other crawler.
    Crawler,
    /// A link-preview fetcher (chat apps and social networks unfurling the link).
    Preview,
    /// A browser prefetch or prerender, not a person following the link.
    Prefetch,
}

named!(NotCounted, "reason", Crawler => "crawler", Preview => "preview", Prefetch => "prefetch");

/// A request for a tracking link, as the redirect recorded it.
#[derive(Clone, Debug, PartialEq)]
pub struct Click {
    /// Assigned by the store.
    pub id: i64,
    pub campaign: String,
    pub member: AccountId,
    pub at: Timestamp,
    /// A keyed hash of the visitor's address and user agent (64 bits), with a key that
    /// changes daily: the same visitor on the same day, never who they are.
    pub visitor: u64,
    /// `Some` when the request was not a person's visit.
    pub not_counted: Option<NotCounted>,
}

/// Where an order came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderSource {
    /// A conversions file (`socialset campaign conversions`).
    File,
    /// A signed webhook.
    Webhook,
    /// A `conversion` record of an import, naming its member.
    Import,
    /// Made up by `socialset demo`, labelled as such.
    Simulated,
}

named!(OrderSource, "order source", File => "file", Webhook => "webhook", Import => "import", Simulated => "simulated");

/// A conversion: an order (or sign-up) the shop reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub campaign: String,
    /// Unique in the campaign: a repeated order id is counted once.
    pub order_id: String,
    pub at: Timestamp,
    /// The value in the campaign's currency (after `rate`).
    pub value: f64,
    /// The currency the shop reported, and the rate to the campaign's currency the user gave
    /// for it (1 for the campaign's own currency).
    pub original_currency: String,
    pub original_value: f64,
    pub rate: f64,
    /// The promo code used at checkout, upper case.
    pub code: Option<String>,
    /// The click the shop passed back (`ss_click` on the destination URL).
    pub click: Option<i64>,
    /// The member an import's `conversion` record named: attributed as given.
    pub member: Option<AccountId>,
    pub source: OrderSource,
}

/// The active currency codes of ISO 4217 (the list of 2025: Curaçao's XCG, Zimbabwe's ZWG),
/// sorted.
const ISO_4217: [&str; 157] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW",
    "ZWG",
];

/// Whether `code` is an active ISO 4217 currency code, upper case (`EUR`, not `eur` or `EURO`).
pub fn is_currency_code(code: &str) -> bool {
    ISO_4217.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_errors_list_the_choices() {
        for r in Role::ALL {
            assert_eq!(r.name().parse::<Role>(), Ok(*r));
        }
        assert_eq!(" Native ".parse::<Role>(), Ok(Role::Native));
        let err = "celebrity".parse::<Role>().expect_err("not a role");
        assert_eq!(err, "not a member role (one of native, professional)");
        assert_eq!("paid".parse::<MemberStatus>(), Ok(MemberStatus::Paid));
    }

    #[test]
    fn currency_codes_are_three_capitals() {
        assert!(is_currency_code("EUR"));
        assert!(!is_currency_code("eur"));
        assert!(!is_currency_code("EURO"));
        assert!(!is_currency_code("€"));
        assert!(!is_currency_code("XYZ"), "three capitals, but no currency");
        assert!(
            ISO_4217.windows(2).all(|w| w[0] < w[1]),
            "sorted for the binary search"
        );
    }
}
