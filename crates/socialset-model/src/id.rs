//! External identifiers: strings namespaced by platform (`"twitter:12345"`, `"snap:7"`).

use std::fmt;

/// The external id of an account: `PLATFORM:LOCAL`, e.g. `"mastodon:https://host/users/ann"`
/// or `"snap:42"`. The platform prefix keeps ids from different sources from colliding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(String);

/// The external id of a post, namespaced like [`AccountId`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PostId(String);

/// The external id of a group (a subreddit, a list, a discussion group), namespaced like
/// [`AccountId`]: `rd:r/italy`, `tw:list/123`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(String);

macro_rules! namespaced_id {
    ($ty:ident) => {
        impl $ty {
            /// Wraps an id that already carries its platform prefix.
            pub fn new(full: impl Into<String>) -> Self {
                Self(full.into())
            }

            /// Builds `platform:local`, unless `local` already starts with `platform:`.
            pub fn namespaced(platform: &str, local: &str) -> Self {
                if local.len() > platform.len()
                    && local.starts_with(platform)
                    && local.as_bytes()[platform.len()] == b':'
                {
                    Self(local.to_owned())
                } else {
                    Self(format!("{platform}:{local}"))
                }
            }

            /// The whole id, prefix included.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The platform prefix (text before the first `:`), if there is one.
            pub fn platform(&self) -> Option<&str> {
                self.0.split_once(':').map(|(p, _)| p)
            }

            /// The id without its platform prefix.
            pub fn local(&self) -> &str {
                self.0.split_once(':').map_or(self.0.as_str(), |(_, l)| l)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

namespaced_id!(AccountId);
namespaced_id!(PostId);
namespaced_id!(GroupId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespacing_adds_the_prefix_once() {
        assert_eq!(AccountId::namespaced("snap", "7").as_str(), "snap:7");
        assert_eq!(AccountId::namespaced("snap", "snap:7").as_str(), "snap:7");
        // A local id that merely starts with the platform name is not already namespaced.
        assert_eq!(
            AccountId::namespaced("snap", "snapper").as_str(),
            "snap:snapper"
        );
        let id = AccountId::new("mastodon:https://h/users/a");
        assert_eq!(id.platform(), Some("mastodon"));
        assert_eq!(id.local(), "https://h/users/a");
    }
}

/// The dense, interned index of an account within one analysis (0..n). Never shown to users
/// and never stored: map it back to an [`AccountId`] for output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountIdx(pub u32);
