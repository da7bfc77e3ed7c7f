//! `groups`: the groups of the store (subreddits, lists, discussion groups) with their members
//! and activity.

use socialset_model::Timestamp;

use crate::{Error, Result, Workspace};

/// One group, with what the platform said of it and what was recorded in it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupLine {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Members as the platform counts them.
    pub members: Option<u64>,
    pub created_at: Option<Timestamp>,
    /// Accounts recorded as members.
    pub memberships: u64,
    /// Posts made in it, and by how many distinct accounts.
    pub posts: u64,
    pub posters: u64,
    pub first_post: Option<Timestamp>,
    pub last_post: Option<Timestamp>,
}

/// The groups, the most posted-in first.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupsReport {
    pub groups: Vec<GroupLine>,
    /// Groups in the store (before `top`).
    pub total: usize,
    /// Posts made in any group.
    pub posts_in_groups: u64,
}

impl Workspace {
    /// The `top` groups by posts made in them (0: all).
    pub fn groups(&self, top: usize) -> Result<GroupsReport> {
        let all = self.store.groups()?;
        if all.is_empty() {
            return Err(Error::Usage(
                "the store holds no groups: import an export that has them (Reddit, X/Twitter lists, or group records)"
                    .into(),
            ));
        }
        let total = all.len();
        let posts_in_groups = all.iter().map(|g| g.posts).sum();
        let take = if top == 0 { total } else { top };
        Ok(GroupsReport {
            total,
            posts_in_groups,
            groups: all
                .into_iter()
                .take(take)
                .map(|g| GroupLine {
                    id: g.id,
                    name: g.name,
                    description: g.description,
                    members: g.members,
                    created_at: g.created_at,
                    memberships: g.memberships,
                    posts: g.posts,
                    posters: g.posters,
                    first_post: g.first_post,
                    last_post: g.last_post,
                })
                .collect(),
        })
    }
}
