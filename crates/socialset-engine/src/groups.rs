//! `groups`: the groups of the store (subreddits, lists, discussion groups) with their members
//! and activity.

use socialset_store::StoredGroup;

use crate::{Error, Result, Workspace};

/// The groups, the most posted-in first.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupsReport {
    pub groups: Vec<StoredGroup>,
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
            groups: all.into_iter().take(take).collect(),
        })
    }
}
