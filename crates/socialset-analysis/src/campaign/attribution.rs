//! Which clicks count, and which member each order is owed to.
//!
//! A click counts as a visit unless it was a crawler, a link preview or a prefetch, or the
//! same visitor followed the same member's link within the last 30 minutes. An order goes to
//! the member the import named, else to the member whose promo code it carries, else to the
//! member of the visitor's last visit within the attribution window before the order (the
//! click the shop passed back says who the visitor is). Orders nobody can claim are counted
//! apart, never spread over members.

use rustc_hash::FxHashMap;
use socialset_model::{Click, Member, Order};

/// Repeats of one visitor on one link within this long count once (as Google Analytics'
/// session timeout, and Bitly's).
pub const REPEAT_WINDOW_MS: i64 = 30 * 60 * 1000;

/// How long after a visit an order is still owed to it, by default (Modash's and impact.com's
/// 30 days).
pub const DEFAULT_WINDOW_DAYS: u32 = 30;

/// What became of one click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClickFate {
    Visit,
    /// The same visitor on the same link within `REPEAT_WINDOW_MS` of a counted visit.
    Repeat,
    NotCounted(socialset_model::NotCounted),
}

/// Each click's fate, in the order given (the store's order of recording).
pub fn click_fates(clicks: &[Click]) -> Vec<ClickFate> {
    let mut last_visit: FxHashMap<(&str, &str), i64> = FxHashMap::default();
    clicks
        .iter()
        .map(|c| {
            if let Some(reason) = c.not_counted {
                return ClickFate::NotCounted(reason);
            }
            let key = (c.member.as_str(), c.visitor.as_str());
            let at = c.at.epoch_ms();
            match last_visit.get(&key) {
                Some(&prev) if at >= prev && at - prev < REPEAT_WINDOW_MS => ClickFate::Repeat,
                _ => {
                    last_visit.insert(key, at);
                    ClickFate::Visit
                }
            }
        })
        .collect()
}

/// Why an order went to its member, or why it went to nobody.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// An import's `conversion` record named the member.
    Named {
        member: usize,
    },
    /// It carried the member's promo code.
    Code {
        member: usize,
    },
    /// The visitor's last visit within the window was through the member's link.
    Click {
        member: usize,
        click: usize,
    },
    Unclaimed(Unclaimed),
}

/// Why nobody can claim an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unclaimed {
    /// No promo code of a member and no click.
    NoCodeOrClick,
    /// Its code is no member's.
    UnknownCode,
    /// The click it names is not one of the campaign's.
    UnknownClick,
    /// The visitor's visits were all after the order or longer ago than the window.
    OutsideWindow,
    /// The member an import named is not in the campaign.
    NotAMember,
}

impl Unclaimed {
    pub fn describe(self) -> &'static str {
        match self {
            Unclaimed::NoCodeOrClick => "no member's code and no click",
            Unclaimed::UnknownCode => "a code that is no member's, and no click",
            Unclaimed::UnknownClick => "a click that is not the campaign's",
            Unclaimed::OutsideWindow => "no visit within the attribution window before it",
            Unclaimed::NotAMember => "names an account that is not a member",
        }
    }
}

/// Each order's claim (members and clicks by their index in the slices given).
pub fn attribute(
    members: &[Member],
    clicks: &[Click],
    fates: &[ClickFate],
    orders: &[Order],
    window_days: u32,
) -> Vec<Claim> {
    let window_ms = i64::from(window_days) * 86_400_000;
    let by_account: FxHashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.account.as_str(), i))
        .collect();
    let by_code: FxHashMap<String, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.promo_code.to_ascii_uppercase(), i))
        .collect();
    let by_id: FxHashMap<i64, usize> = clicks.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    // Each visitor's visits, in time order.
    let mut in_time: Vec<usize> = (0..clicks.len())
        .filter(|&i| fates[i] == ClickFate::Visit)
        .collect();
    in_time.sort_by_key(|&i| (clicks[i].at, clicks[i].id));
    let mut visits: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for i in in_time {
        visits
            .entry(clicks[i].visitor.as_str())
            .or_default()
            .push(i);
    }
    orders
        .iter()
        .map(|o| {
            if let Some(named) = &o.member {
                return by_account
                    .get(named.as_str())
                    .map_or(Claim::Unclaimed(Unclaimed::NotAMember), |&member| {
                        Claim::Named { member }
                    });
            }
            let code = o.code.as_deref().map(str::to_ascii_uppercase);
            if let Some(&member) = code.as_ref().and_then(|c| by_code.get(c)) {
                return Claim::Code { member };
            }
            let Some(click_id) = o.click else {
                return Claim::Unclaimed(if code.is_some() {
                    Unclaimed::UnknownCode
                } else {
                    Unclaimed::NoCodeOrClick
                });
            };
            let Some(&named) = by_id.get(&click_id) else {
                return Claim::Unclaimed(Unclaimed::UnknownClick);
            };
            let at = o.at.epoch_ms();
            let last = visits
                .get(clicks[named].visitor.as_str())
                .and_then(|v| {
                    v.iter()
                        .rev()
                        .find(|&&i| clicks[i].at.epoch_ms() <= at)
                        .copied()
                })
                .filter(|&i| at - clicks[i].at.epoch_ms() <= window_ms);
            match last.and_then(|i| by_account.get(clicks[i].member.as_str()).map(|&m| (m, i))) {
                Some((member, click)) => Claim::Click { member, click },
                None => Claim::Unclaimed(Unclaimed::OutsideWindow),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use socialset_model::{AccountId, MemberStatus, NotCounted, OrderSource, Role, Timestamp};

    const MIN: i64 = 60_000;
    const DAY: i64 = 86_400_000;

    fn member(account: &str, code: &str) -> Member {
        Member {
            account: AccountId::new(account),
            role: Role::Native,
            fee: 10.0,
            status: MemberStatus::Accepted,
            link: format!("L-{account}"),
            promo_code: code.into(),
            predicted_reach: None,
        }
    }

    fn click(
        id: i64,
        member: &str,
        at: i64,
        visitor: &str,
        not_counted: Option<NotCounted>,
    ) -> Click {
        Click {
            id,
            campaign: "c".into(),
            member: AccountId::new(member),
            at: Timestamp::from_epoch_ms(at).expect("time"),
            visitor: visitor.into(),
            not_counted,
        }
    }

    fn order(id: &str, at: i64, code: Option<&str>, click: Option<i64>) -> Order {
        Order {
            campaign: "c".into(),
            order_id: id.into(),
            at: Timestamp::from_epoch_ms(at).expect("time"),
            value: 20.0,
            original_currency: "EUR".into(),
            original_value: 20.0,
            rate: 1.0,
            code: code.map(str::to_owned),
            click,
            member: None,
            source: OrderSource::File,
        }
    }

    #[test]
    fn repeats_within_thirty_minutes_and_robots_do_not_count() {
        let clicks = [
            click(1, "ann", 0, "v1", None),
            click(2, "ann", 29 * MIN, "v1", None),
            click(3, "ann", 31 * MIN, "v1", None),
            click(4, "bob", 31 * MIN, "v1", None),
            click(5, "ann", 32 * MIN, "v2", Some(NotCounted::Preview)),
        ];
        assert_eq!(
            click_fates(&clicks),
            vec![
                ClickFate::Visit,
                ClickFate::Repeat,
                ClickFate::Visit,
                ClickFate::Visit,
                ClickFate::NotCounted(NotCounted::Preview)
            ]
        );
    }

    #[test]
    fn a_code_beats_a_click_and_the_last_visit_within_the_window_wins() {
        let members = [member("ann", "ANN10"), member("bob", "BOB10")];
        let clicks = [
            click(1, "ann", 0, "v1", None),
            click(2, "bob", DAY, "v1", None),
            click(3, "bob", 2 * DAY, "v2", Some(NotCounted::Crawler)),
        ];
        let fates = click_fates(&clicks);
        let orders = [
            // Code wins over the click the shop passed back.
            order("o1", 2 * DAY, Some("ann10"), Some(2)),
            // The visitor's last visit before the order was bob's, though the click named is ann's.
            order("o2", 2 * DAY, None, Some(1)),
            // Before bob's visit: ann's.
            order("o3", DAY - 1, None, Some(1)),
            // Window edge: exactly 30 days after bob's visit counts, a millisecond later not.
            order("o4", DAY + 30 * DAY, None, Some(2)),
            order("o5", DAY + 30 * DAY + 1, None, Some(2)),
            // A crawler's click is no visit.
            order("o6", 2 * DAY, None, Some(3)),
            order("o7", 2 * DAY, Some("NOBODY"), None),
            order("o8", 2 * DAY, None, None),
            order("o9", 2 * DAY, None, Some(99)),
        ];
        let claims = attribute(&members, &clicks, &fates, &orders, DEFAULT_WINDOW_DAYS);
        assert_eq!(
            claims,
            vec![
                Claim::Code { member: 0 },
                Claim::Click {
                    member: 1,
                    click: 1
                },
                Claim::Click {
                    member: 0,
                    click: 0
                },
                Claim::Click {
                    member: 1,
                    click: 1
                },
                Claim::Unclaimed(Unclaimed::OutsideWindow),
                Claim::Unclaimed(Unclaimed::OutsideWindow),
                Claim::Unclaimed(Unclaimed::UnknownCode),
                Claim::Unclaimed(Unclaimed::NoCodeOrClick),
                Claim::Unclaimed(Unclaimed::UnknownClick),
            ]
        );
        // A shorter window cuts o4 too.
        let short = attribute(&members, &clicks, &fates, &orders[3..4], 7);
        assert_eq!(short, vec![Claim::Unclaimed(Unclaimed::OutsideWindow)]);
    }

    #[test]
    fn an_imported_record_goes_to_the_member_it_names() {
        let members = [member("ann", "ANN10")];
        let mut o = order("o1", 0, Some("ZZZ"), None);
        o.member = Some(AccountId::new("ann"));
        let mut stranger = o.clone();
        stranger.member = Some(AccountId::new("zed"));
        let claims = attribute(&members, &[], &[], &[o, stranger], 30);
        assert_eq!(
            claims,
            vec![
                Claim::Named { member: 0 },
                Claim::Unclaimed(Unclaimed::NotAMember)
            ]
        );
    }
}
