//! Which clicks count, and which member each order is owed to.
//!
//! A click counts as a visit unless it was a crawler, a link preview or a prefetch, or the
//! same visitor followed the same member's link within the last 30 minutes. An order goes to
//! the member the import named, else to the member whose promo code it carries, else to the
//! member of the visitor's last visit within the attribution window before the order (the
//! click the shop passed back says who the visitor is). Orders nobody can claim are counted
//! apart, never spread over members.
//!
//! Clicks come compact (`ClickEvent`: a report reads millions): no strings, no map per
//! visitor; visits are sorted once by (visitor, time) and searched.

use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;
use socialset_model::{Member, NotCounted, Order};

/// Repeats of one visitor on one link within this long count once (as Google Analytics'
/// session timeout, and Bitly's).
pub const REPEAT_WINDOW_MS: i64 = 30 * 60 * 1000;

/// How long after a visit an order is still owed to it, by default (Modash's and impact.com's
/// 30 days).
pub const DEFAULT_WINDOW_DAYS: u32 = 30;

/// No member: a click on the link of an account no longer in the campaign.
pub const NO_MEMBER: u32 = u32::MAX;

/// A click as attribution needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClickEvent {
    pub id: i64,
    /// Index into the campaign's members, or `NO_MEMBER`.
    pub member: u32,
    /// Epoch milliseconds.
    pub at: i64,
    /// The visitor, hashed.
    pub visitor: u64,
    pub not_counted: Option<NotCounted>,
}

/// What became of one click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClickFate {
    Visit,
    /// The same visitor on the same link within `REPEAT_WINDOW_MS` of a counted visit.
    Repeat,
    NotCounted(NotCounted),
}

/// Each click's fate, in the order given (the store's order of recording). Each visitor's
/// clicks on each link are walked in time order (by sorting, not a map: a report reads
/// millions): one within 30 minutes of the last counted visit is a repeat.
pub fn click_fates(clicks: &[ClickEvent]) -> Vec<ClickFate> {
    let mut fates: Vec<ClickFate> = clicks
        .iter()
        .map(|c| {
            c.not_counted
                .map_or(ClickFate::Visit, ClickFate::NotCounted)
        })
        .collect();
    // Keys beside their index, sorted in place (no indirection while sorting).
    let mut people: Vec<(u32, u64, i64, usize)> = clicks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.not_counted.is_none())
        .map(|(i, c)| (c.member, c.visitor, c.at, i))
        .collect();
    people.par_sort_unstable();
    let mut last: Option<(u32, u64, i64)> = None;
    for (member, visitor, at, i) in people {
        match last {
            Some((m, v, t)) if m == member && v == visitor && at - t < REPEAT_WINDOW_MS => {
                fates[i] = ClickFate::Repeat;
            }
            _ => last = Some((member, visitor, at)),
        }
    }
    fates
}

/// Distinct visitors: per member (`members` long), and over the whole campaign.
pub fn distinct_visitors(
    clicks: &[ClickEvent],
    fates: &[ClickFate],
    members: usize,
) -> (Vec<u64>, u64) {
    let mut pairs: Vec<(u32, u64)> = clicks
        .iter()
        .zip(fates)
        .filter(|(_, f)| **f == ClickFate::Visit)
        .map(|(c, _)| (c.member, c.visitor))
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    let mut per = vec![0u64; members];
    for &(m, _) in &pairs {
        if let Some(n) = per.get_mut(m as usize) {
            *n += 1;
        }
    }
    let mut visitors: Vec<u64> = pairs.into_iter().map(|(_, v)| v).collect();
    visitors.par_sort_unstable();
    visitors.dedup();
    (per, visitors.len() as u64)
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
    /// The click it names was a robot's (a crawler, a link preview, a prefetch), and its
    /// visitor made no visit within the window.
    RobotClick,
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
            Unclaimed::RobotClick => "its click was a robot's (crawler, preview or prefetch)",
            Unclaimed::NotAMember => "names an account that is not a member",
        }
    }
}

/// Each order's claim (members and clicks by their index in the slices given).
pub fn attribute(
    members: &[Member],
    clicks: &[ClickEvent],
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
    // Clicks come in the order of their ids (the store's order of recording): found by a
    // binary search, else through a map.
    let sorted = clicks.windows(2).all(|w| w[0].id < w[1].id);
    let by_id: FxHashMap<i64, usize> = if sorted {
        FxHashMap::default()
    } else {
        clicks.iter().enumerate().map(|(i, c)| (c.id, i)).collect()
    };
    let find = |id: i64| -> Option<usize> {
        if sorted {
            clicks.binary_search_by_key(&id, |c| c.id).ok()
        } else {
            by_id.get(&id).copied()
        }
    };
    // Every visit of a member, by (visitor, time, id), beside its index.
    let mut visits: Vec<(u64, i64, i64, usize)> = clicks
        .iter()
        .enumerate()
        .filter(|&(i, c)| fates[i] == ClickFate::Visit && c.member != NO_MEMBER)
        .map(|(i, c)| (c.visitor, c.at, c.id, i))
        .collect();
    visits.par_sort_unstable();
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
            let Some(named) = find(click_id) else {
                return Claim::Unclaimed(Unclaimed::UnknownClick);
            };
            let (visitor, at) = (clicks[named].visitor, o.at.epoch_ms());
            // The visitor's last visit at or before the order.
            let end = visits.partition_point(|&(v, t, _, _)| (v, t) <= (visitor, at));
            let last = end
                .checked_sub(1)
                .map(|k| visits[k])
                .filter(|&(v, t, _, _)| v == visitor && at - t <= window_ms)
                .map(|(_, _, _, i)| i);
            match last {
                Some(click) => Claim::Click {
                    member: clicks[click].member as usize,
                    click,
                },
                None if matches!(fates[named], ClickFate::NotCounted(_)) => {
                    Claim::Unclaimed(Unclaimed::RobotClick)
                }
                None => Claim::Unclaimed(Unclaimed::OutsideWindow),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use socialset_model::{AccountId, MemberStatus, OrderSource, Role, Timestamp};

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
        member: u32,
        at: i64,
        visitor: u64,
        not_counted: Option<NotCounted>,
    ) -> ClickEvent {
        ClickEvent {
            id,
            member,
            at,
            visitor,
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
            click(1, 0, 0, 1, None),
            click(2, 0, 29 * MIN, 1, None),
            click(3, 0, 31 * MIN, 1, None),
            click(4, 1, 31 * MIN, 1, None),
            click(5, 0, 32 * MIN, 2, Some(NotCounted::Preview)),
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
            click(1, 0, 0, 1, None),
            click(2, 1, DAY, 1, None),
            click(3, 1, 2 * DAY, 2, Some(NotCounted::Crawler)),
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
            // A crawler's click is no visit, and says so.
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
                Claim::Unclaimed(Unclaimed::RobotClick),
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
