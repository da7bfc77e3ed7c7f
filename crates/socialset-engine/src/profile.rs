//! An account's profile card: what its platform says of it, its latest posts in the data, and
//! its engagement rate beside the median of accounts of its tier in the same store.

use socialset_analysis::audit::PostActivity;
use socialset_analysis::Tier;
use socialset_model::{PostKind, Timestamp};

use crate::social::TimeWindow;
use crate::{Result, Workspace};

/// One of the account's posts.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentPost {
    pub id: String,
    pub at: Option<Timestamp>,
    pub text: Option<String>,
    /// Likes and shares as the platform counted them, when the data gives them.
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    /// Where the post is on its platform, when its id says.
    pub link: Option<String>,
}

/// An account as a person would look it up.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub id: String,
    pub handle: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub listed: Option<u64>,
    pub verified: Option<bool>,
    pub is_brand: Option<bool>,
    pub lang: Option<String>,
    pub created_at: Option<Timestamp>,
    /// Its page on its platform, when its id says where.
    pub link: Option<String>,
    /// Its posts in the data.
    pub posts_in_data: usize,
    /// The latest of them, newest first.
    pub recent_posts: Vec<RecentPost>,
    /// Mean likes and shares per original post (platform counts), over its followers.
    pub engagement_rate: Option<f64>,
    /// Original posts with platform counts the rate rests on.
    pub rated_posts: usize,
    /// Its tier by followers, when they are known.
    pub tier: Option<Tier>,
    /// The median engagement rate of the accounts of the same tier in the store that have one.
    pub tier_median_rate: Option<f64>,
    /// Accounts that median is taken over.
    pub tier_accounts: usize,
}

/// The page of an account on its platform, from its id: X/Twitter and Reddit accounts by
/// handle, ActivityPub actors by their URL.
pub fn account_link(id: &str, handle: Option<&str>) -> Option<String> {
    let (platform, rest) = id.split_once(':')?;
    match (platform, handle) {
        ("tw", Some(h)) => Some(format!("https://x.com/{h}")),
        ("tw", None) => Some(format!("https://x.com/i/user/{rest}")),
        ("rd", _) => Some(format!("https://www.reddit.com/user/{rest}")),
        ("ap", _) if rest.starts_with("http") => Some(rest.to_owned()),
        _ if id.starts_with("https://") => Some(id.to_owned()),
        _ => None,
    }
}

/// The page of a post on its platform, from its id and its author's handle.
pub fn post_link(id: &str, author_handle: Option<&str>) -> Option<String> {
    let (platform, rest) = id.split_once(':')?;
    match platform {
        "tw" if rest.chars().all(|c| c.is_ascii_digit()) => Some(format!(
            "https://x.com/{}/status/{rest}",
            author_handle.unwrap_or("i")
        )),
        "ap" if rest.starts_with("http") => Some(rest.to_owned()),
        _ => None,
    }
}

/// Mean likes + shares per original post with platform counts, and how many there were.
fn rate_parts(posts: &[&PostActivity]) -> (f64, usize) {
    let rated: Vec<u64> = posts
        .iter()
        .filter(|p| p.kind == PostKind::Original && (p.likes.is_some() || p.shares.is_some()))
        .map(|p| p.likes.unwrap_or(0) + p.shares.unwrap_or(0))
        .collect();
    let n = rated.len();
    (rated.iter().sum::<u64>() as f64 / n.max(1) as f64, n)
}

impl Workspace {
    /// The profile card of `account` (id or handle), with its `recent` latest posts.
    pub fn profile(&self, account: &str, recent: usize) -> Result<Profile> {
        let data = self.load_social(&TimeWindow::default())?;
        let who = data.find(account)?.0 as usize;
        let a = &data.accounts[who];
        // Each account's posts, by index.
        let mut by_author: Vec<Vec<usize>> = vec![Vec::new(); data.accounts.len()];
        for (i, p) in data.activity.iter().enumerate() {
            by_author[p.author.0 as usize].push(i);
        }
        let rate_of = |i: usize| -> Option<(f64, usize)> {
            let followers = data.accounts[i].followers.filter(|&f| f > 0)?;
            let posts: Vec<&PostActivity> =
                by_author[i].iter().map(|&p| &data.activity[p]).collect();
            let (mean, n) = rate_parts(&posts);
            (n > 0).then(|| (mean / followers as f64, n))
        };
        let tier = a.followers.map(Tier::of);
        let mut peers: Vec<f64> = (0..data.accounts.len())
            .filter(|&i| data.accounts[i].followers.map(Tier::of) == tier && tier.is_some())
            .filter_map(|i| rate_of(i).map(|(r, _)| r))
            .collect();
        let tier_accounts = peers.len();
        let tier_median_rate = (!peers.is_empty()).then(|| socialset_analysis::median(&mut peers));
        let mut mine = by_author[who].clone();
        mine.sort_by_key(|&p| std::cmp::Reverse(data.activity[p].at));
        let recent_posts = mine
            .iter()
            .take(recent)
            .map(|&p| {
                let id = data.threads[p].id.to_string();
                RecentPost {
                    link: post_link(&id, a.handle.as_deref()),
                    id,
                    at: data.activity[p].at,
                    text: data.posts[p].text.clone(),
                    likes: data.activity[p].likes,
                    shares: data.activity[p].shares,
                }
            })
            .collect();
        let rate = rate_of(who);
        let id = a.id.to_string();
        Ok(Profile {
            link: account_link(&id, a.handle.as_deref()),
            id,
            handle: a.handle.clone(),
            name: a.name.clone(),
            bio: a.bio.clone(),
            followers: a.followers,
            following: a.following,
            posts_count: a.posts_count,
            listed: a.listed,
            verified: a.verified,
            is_brand: a.is_brand,
            lang: a.lang.clone(),
            created_at: a.created_at,
            posts_in_data: by_author[who].len(),
            recent_posts,
            engagement_rate: rate.map(|(r, _)| r),
            rated_posts: rate.map_or(0, |(_, n)| n),
            tier,
            tier_median_rate,
            tier_accounts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_platform() {
        assert_eq!(
            account_link("tw:14293310", Some("TIME")).as_deref(),
            Some("https://x.com/TIME")
        );
        assert_eq!(
            account_link("rd:CplCucumber", Some("u/CplCucumber")).as_deref(),
            Some("https://www.reddit.com/user/CplCucumber")
        );
        assert_eq!(account_link("higgs:88", None), None);
        assert_eq!(
            post_link("tw:552783667052167168", Some("euronews")).as_deref(),
            Some("https://x.com/euronews/status/552783667052167168")
        );
        assert_eq!(post_link("higgs:1", None), None);
    }
}
