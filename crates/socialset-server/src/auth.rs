//! Users, their roles per workspace, and their tokens, in `auth.db` beside the workspaces.
//! Passwords are hashed with argon2 (salted, PHC strings); tokens are random, shown once, and
//! stored as SHA-256 digests compared in constant time. A token is an API token (made by
//! `socialset token create`, expiring when made with `--expires-days`) or a session (made by
//! logging in, for the dashboard, expiring after `SESSION_SECONDS`). A password change or a
//! removed user ends every token of theirs. Failed logins are counted here too, per user name
//! and address and per address, so that the limits hold across restarts and concurrent
//! requests, and an operator can lift them (`socialset user unlock`).

use std::path::Path;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How long a dashboard session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// What a member may do in a workspace.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Reads and imports.
    Analyst,
    /// Everything.
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Analyst => "analyst",
            Self::Admin => "admin",
        }
    }

    pub fn can_write(self) -> bool {
        self >= Self::Analyst
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "viewer" => Ok(Self::Viewer),
            "analyst" => Ok(Self::Analyst),
            "admin" => Ok(Self::Admin),
            other => Err(format!("{other:?} is not a role: admin, analyst or viewer")),
        }
    }
}

/// Workspace names: what a URL path, a file name and a PostgreSQL schema name (`ws_NAME`,
/// at most 63 bytes) can all hold.
pub fn valid_workspace(name: &str) -> bool {
    (1..=60).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Usage(String),
    #[error("auth.db: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("hashing: {0}")]
    Hash(String),
}

/// The users' database.
pub struct AuthDb {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for AuthDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthDb")
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `bytes` random bytes from the operating system, as hex: token ids and secrets, salts,
/// request and job ids.
pub(crate) fn random_hex(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A random password (18 hex digits), for users made on the user's behalf (the demo's).
pub fn new_password() -> Result<String, AuthError> {
    random_hex(9)
}

/// An argon2 PHC string for a new password, which must have 8 to 1024 characters.
fn hash_password(password: &str) -> Result<String, AuthError> {
    let n = password.chars().count();
    if !(8..=1024).contains(&n) {
        return Err(AuthError::Usage(
            "a password has at least 8 characters (and at most 1024)".into(),
        ));
    }
    let salt =
        SaltString::from_b64(&random_hex(16)?).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AuthError::Hash(e.to_string()))?
        .to_string())
}

/// A token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// The id, the part of the token after `sst_` and before the next `_`.
    pub id: String,
    pub user: String,
    /// api or session.
    pub kind: String,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds; none for an API token made without an expiry.
    pub expires: Option<i64>,
}

/// A user as listed: name and memberships, never the password hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub workspaces: Vec<(String, Role)>,
    pub tokens: usize,
}

/// Limits on failed logins (`AuthDb::reserve_login`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Attempts one address may make at one user name in a window.
    pub per_user_and_address: u32,
    /// Attempts one address may make at any names in a window.
    pub per_address: u32,
    /// The window, in seconds: a refused address may try again when it ends.
    pub window_seconds: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_user_and_address: 5,
            per_address: 30,
            window_seconds: 15 * 60,
        }
    }
}

/// Why a login attempt is refused before its password is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginRefused {
    pub retry_after_seconds: i64,
    /// "user" when the name from this address is at its limit, "address" when the address is.
    pub limit: &'static str,
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

impl AuthDb {
    /// Opens (creating if needed) `auth.db` in `dir`.
    pub fn open(dir: &Path) -> Result<Self, AuthError> {
        let path = dir.join("auth.db");
        let conn = Connection::open(&path)?;
        // Password hashes and token digests: readable by the server's user only. SQLite
        // gives its -wal and -shm files the database file's mode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| AuthError::Usage(format!("{}: {e}", path.display())))?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS users (
                 name TEXT PRIMARY KEY, password TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS members (
                 user TEXT NOT NULL REFERENCES users(name), workspace TEXT NOT NULL,
                 role TEXT NOT NULL, PRIMARY KEY (user, workspace));
             CREATE TABLE IF NOT EXISTS tokens (
                 id TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name),
                 secret_sha256 BLOB NOT NULL, kind TEXT NOT NULL,
                 created INTEGER NOT NULL, expires INTEGER);
             CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user);
             CREATE TABLE IF NOT EXISTS login_attempts (
                 key TEXT PRIMARY KEY, user TEXT, attempts INTEGER NOT NULL,
                 window_start INTEGER NOT NULL);",
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (its own transactions).
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes `user` a member of `workspace` with `role`, creating the user with `password`
    /// when new (a new user needs one; an existing user's password changes when one is
    /// given).
    pub fn add_user(
        &self,
        user: &str,
        password: Option<&str>,
        workspace: &str,
        role: Role,
    ) -> Result<(), AuthError> {
        if user.trim().is_empty() || user.len() > 128 {
            return Err(AuthError::Usage(
                "a user name is 1 to 128 characters".into(),
            ));
        }
        if !valid_workspace(workspace) {
            return Err(AuthError::Usage(format!(
                "{workspace:?} is not a workspace name: 1 to 64 of a-z, 0-9, - and _"
            )));
        }
        let conn = self.conn();
        let exists: bool = conn
            .query_row("SELECT 1 FROM users WHERE name = ?1", [user], |_| Ok(()))
            .optional()?
            .is_some();
        match (exists, password) {
            (false, None) => {
                return Err(AuthError::Usage(format!(
                    "{user} is a new user: give a password (--password-stdin or SOCIALSET_PASSWORD)"
                )))
            }
            (_, Some(p)) => {
                let hash = hash_password(p)?;
                conn.execute(
                    "INSERT INTO users (name, password) VALUES (?1, ?2)
                     ON CONFLICT (name) DO UPDATE SET password = excluded.password",
                    params![user, hash],
                )?;
                // A new password ends every session and token made under the old one.
                conn.execute("DELETE FROM tokens WHERE user = ?1", [user])?;
            }
            (true, None) => {}
        }
        conn.execute(
            "INSERT INTO members (user, workspace, role) VALUES (?1, ?2, ?3)
             ON CONFLICT (user, workspace) DO UPDATE SET role = excluded.role",
            params![user, workspace, role.name()],
        )?;
        Ok(())
    }

    /// True when `password` is `user`'s. An unknown user costs the same hashing work.
    pub fn check_password(&self, user: &str, password: &str) -> Result<bool, AuthError> {
        let stored: Option<String> = self
            .conn()
            .query_row("SELECT password FROM users WHERE name = ?1", [user], |r| {
                r.get(0)
            })
            .optional()?;
        // Unknown users are checked against a real hash, so that timing does not tell who
        // exists.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| {
            SaltString::from_b64("socialsetunknownuser")
                .ok()
                .and_then(|salt| {
                    Argon2::default()
                        .hash_password(b"-", &salt)
                        .ok()
                        .map(|h| h.to_string())
                })
                .unwrap_or_default()
        });
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy.clone());
        let ok = PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        Ok(known && ok)
    }

    /// A new token for `user` (an API token, or a session that expires), shown only now.
    pub fn create_token(&self, user: &str, session: bool) -> Result<String, AuthError> {
        let expires = session.then_some(SESSION_SECONDS);
        self.create_token_expiring(user, session, expires)
    }

    /// A new token for `user` that expires `seconds` from now (`None`: never).
    pub fn create_token_expiring(
        &self,
        user: &str,
        session: bool,
        seconds: Option<i64>,
    ) -> Result<String, AuthError> {
        if seconds.is_some_and(|s| s <= 0 || s > 100 * 365 * 86_400) {
            return Err(AuthError::Usage(
                "a token expires between 1 second and 100 years from now".into(),
            ));
        }
        let conn = self.conn();
        let exists = conn
            .query_row("SELECT 1 FROM users WHERE name = ?1", [user], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            return Err(AuthError::Usage(format!(
                "{user} is not a user (socialset user add {user} --workspace W --role R)"
            )));
        }
        let id = random_hex(8)?;
        let secret = random_hex(32)?;
        let created = now();
        let expires = seconds.map(|s| created + s);
        conn.execute(
            "INSERT INTO tokens (id, user, secret_sha256, kind, created, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                user,
                digest(&secret),
                if session { "session" } else { "api" },
                created,
                expires
            ],
        )?;
        Ok(format!("sst_{id}_{secret}"))
    }

    /// The user a token belongs to, if it is valid and unexpired.
    pub fn user_of(&self, token: &str) -> Result<Option<String>, AuthError> {
        let Some((id, secret)) = token.strip_prefix("sst_").and_then(|t| t.split_once('_')) else {
            return Ok(None);
        };
        let row: Option<(String, Vec<u8>, Option<i64>)> = self
            .conn()
            .query_row(
                "SELECT user, secret_sha256, expires FROM tokens WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(user, stored, expires)| {
            let same: bool = digest(secret).ct_eq(&stored).into();
            (same && expires.is_none_or(|e| e > now())).then_some(user)
        }))
    }

    /// Ends a token (logging out): it is no one's from now on.
    pub fn revoke(&self, token: &str) -> Result<(), AuthError> {
        if let Some((id, _)) = token.strip_prefix("sst_").and_then(|t| t.split_once('_')) {
            if self.user_of(token)?.is_some() {
                self.conn()
                    .execute("DELETE FROM tokens WHERE id = ?1", [id])?;
            }
        }
        Ok(())
    }

    /// Changes `user`'s password; every session and token of theirs stops working.
    pub fn set_password(&self, user: &str, password: &str) -> Result<(), AuthError> {
        let hash = hash_password(password)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET password = ?2 WHERE name = ?1",
            params![user, hash],
        )?;
        if changed == 0 {
            return Err(AuthError::Usage(format!("{user} is not a user")));
        }
        tx.execute("DELETE FROM tokens WHERE user = ?1", [user])?;
        tx.commit()?;
        Ok(())
    }

    /// Removes `user`: their memberships, sessions and tokens go with them.
    pub fn remove_user(&self, user: &str) -> Result<(), AuthError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM tokens WHERE user = ?1", [user])?;
        tx.execute("DELETE FROM members WHERE user = ?1", [user])?;
        tx.execute("DELETE FROM login_attempts WHERE user = ?1", [user])?;
        if tx.execute("DELETE FROM users WHERE name = ?1", [user])? == 0 {
            return Err(AuthError::Usage(format!("{user} is not a user")));
        }
        tx.commit()?;
        Ok(())
    }

    /// Ends `user`'s membership of `workspace` (their other workspaces and tokens stay).
    pub fn remove_member(&self, user: &str, workspace: &str) -> Result<(), AuthError> {
        let n = self.conn().execute(
            "DELETE FROM members WHERE user = ?1 AND workspace = ?2",
            [user, workspace],
        )?;
        if n == 0 {
            return Err(AuthError::Usage(format!(
                "{user} is not a member of {workspace}"
            )));
        }
        Ok(())
    }

    /// Every user, by name, with their workspaces and how many live tokens they hold.
    pub fn users(&self) -> Result<Vec<UserInfo>, AuthError> {
        let names: Vec<(String, usize)> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(
                "SELECT name, (SELECT COUNT(*) FROM tokens t WHERE t.user = u.name
                     AND (t.expires IS NULL OR t.expires > ?1))
                 FROM users u ORDER BY name",
            )?;
            let rows = stmt.query_map([now()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        names
            .into_iter()
            .map(|(name, tokens)| {
                Ok(UserInfo {
                    workspaces: self.workspaces(&name)?,
                    name,
                    tokens,
                })
            })
            .collect()
    }

    /// The live tokens of `user` (of everyone with `None`), newest first; expired ones are
    /// deleted on the way.
    pub fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenInfo>, AuthError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM tokens WHERE expires IS NOT NULL AND expires <= ?1",
            [now()],
        )?;
        let mut stmt = conn.prepare(
            "SELECT id, user, kind, created, expires FROM tokens
             WHERE ?1 IS NULL OR user = ?1 ORDER BY created DESC, id",
        )?;
        let rows = stmt.query_map([user], |r| {
            Ok(TokenInfo {
                id: r.get(0)?,
                user: r.get(1)?,
                kind: r.get(2)?,
                created: r.get(3)?,
                expires: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes the token with `id` when it is `user`'s (anyone's with `None`); false when
    /// there is no such token.
    pub fn revoke_id(&self, id: &str, user: Option<&str>) -> Result<bool, AuthError> {
        let n = self.conn().execute(
            "DELETE FROM tokens WHERE id = ?1 AND (?2 IS NULL OR user = ?2)",
            params![id, user],
        )?;
        Ok(n > 0)
    }

    /// Counts a login attempt at `user` from `address` before its password is checked, so
    /// that concurrent attempts cannot all slip under the limit; refuses it when the pair
    /// or the address has used up its window. A refusal locks no one else out: another
    /// address may still log in as `user`. Old windows are forgotten as they pass.
    pub fn reserve_login(
        &self,
        user: &str,
        address: &str,
        limits: &LoginLimits,
    ) -> Result<Result<(), LoginRefused>, AuthError> {
        let t = now();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM login_attempts WHERE window_start <= ?1",
            [t - limits.window_seconds],
        )?;
        let keys = [
            (
                format!("pair\u{1f}{user}\u{1f}{address}"),
                Some(user),
                limits.per_user_and_address,
                "user",
            ),
            (
                format!("addr\u{1f}{address}"),
                None,
                limits.per_address,
                "address",
            ),
        ];
        for (key, _, max, limit) in &keys {
            let row: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT attempts, window_start FROM login_attempts WHERE key = ?1",
                    [key],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((attempts, start)) = row {
                if attempts >= i64::from(*max) {
                    return Ok(Err(LoginRefused {
                        retry_after_seconds: (start + limits.window_seconds - t).max(1),
                        limit,
                    }));
                }
            }
        }
        for (key, who, _, _) in &keys {
            tx.execute(
                "INSERT INTO login_attempts (key, user, attempts, window_start)
                 VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1",
                params![key, who, t],
            )?;
        }
        tx.commit()?;
        Ok(Ok(()))
    }

    /// A successful login gives back the attempts its name and address had used.
    pub fn login_succeeded(&self, user: &str, address: &str) -> Result<(), AuthError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM login_attempts WHERE key = ?1",
            [format!("pair\u{1f}{user}\u{1f}{address}")],
        )?;
        conn.execute(
            "UPDATE login_attempts SET attempts = MAX(attempts - 1, 0) WHERE key = ?1",
            [format!("addr\u{1f}{address}")],
        )?;
        Ok(())
    }

    /// Lifts every login limit on `user` (from any address); returns how many were lifted.
    pub fn unlock(&self, user: &str) -> Result<usize, AuthError> {
        Ok(self
            .conn()
            .execute("DELETE FROM login_attempts WHERE user = ?1", [user])?)
    }

    /// `user`'s role in `workspace`, if a member.
    pub fn role(&self, user: &str, workspace: &str) -> Result<Option<Role>, AuthError> {
        let role: Option<String> = self
            .conn()
            .query_row(
                "SELECT role FROM members WHERE user = ?1 AND workspace = ?2",
                [user, workspace],
                |r| r.get(0),
            )
            .optional()?;
        Ok(role.and_then(|r| r.parse().ok()))
    }

    /// The members of `workspace`, by name, with their roles.
    pub fn members(&self, workspace: &str) -> Result<Vec<(String, Role)>, AuthError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT user, role FROM members WHERE workspace = ?1 ORDER BY user")?;
        let rows = stmt.query_map([workspace], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (u, r) = row?;
            if let Ok(role) = r.parse() {
                out.push((u, role));
            }
        }
        Ok(out)
    }

    /// Every workspace someone is a member of, by name.
    pub fn all_workspaces(&self) -> Result<Vec<String>, AuthError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT DISTINCT workspace FROM members ORDER BY workspace")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The workspaces `user` belongs to, by name, with the role in each.
    pub fn workspaces(&self, user: &str) -> Result<Vec<(String, Role)>, AuthError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT workspace, role FROM members WHERE user = ?1 ORDER BY workspace")?;
        let rows = stmt.query_map([user], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (w, r) = row?;
            if let Ok(role) = r.parse() {
                out.push((w, role));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_roles_and_tokens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = AuthDb::open(dir.path()).expect("open");
        assert!(
            db.add_user("ann", None, "acme", Role::Admin).is_err(),
            "new user needs a password"
        );
        assert!(db
            .add_user("ann", Some("short"), "acme", Role::Admin)
            .is_err());
        assert!(db
            .add_user("ann", Some("long enough"), "Bad Name", Role::Admin)
            .is_err());
        db.add_user("ann", Some("long enough"), "acme", Role::Admin)
            .expect("add");
        db.add_user("ann", None, "beta", Role::Viewer)
            .expect("member of a second workspace");
        assert!(db.check_password("ann", "long enough").expect("check"));
        assert!(!db.check_password("ann", "wrong one!").expect("check"));
        assert!(!db
            .check_password("bob", "long enough")
            .expect("unknown user"));
        assert_eq!(db.role("ann", "acme").expect("role"), Some(Role::Admin));
        assert_eq!(db.role("ann", "gamma").expect("role"), None);
        assert_eq!(
            db.workspaces("ann").expect("list"),
            [
                ("acme".to_owned(), Role::Admin),
                ("beta".to_owned(), Role::Viewer)
            ]
        );
        let t = db.create_token("ann", false).expect("token");
        assert_eq!(db.user_of(&t).expect("valid").as_deref(), Some("ann"));
        // A changed secret, a made-up id and garbage are no one's.
        let mut forged = t.clone();
        forged.pop();
        forged.push(if t.ends_with('0') { '1' } else { '0' });
        assert_eq!(db.user_of(&forged).expect("lookup"), None);
        assert_eq!(db.user_of("sst_0000_1111").expect("lookup"), None);
        assert_eq!(db.user_of("garbage").expect("lookup"), None);
        assert!(db.create_token("bob", false).is_err());
        // Roles parse from what the CLI takes.
        assert_eq!("Analyst".parse::<Role>(), Ok(Role::Analyst));
        assert!("owner".parse::<Role>().is_err());
        assert!(Role::Analyst.can_write() && !Role::Viewer.can_write());
    }

    #[test]
    fn a_password_change_or_removal_ends_every_token_and_tokens_can_expire() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = AuthDb::open(dir.path()).expect("open");
        db.add_user("ann", Some("long enough"), "acme", Role::Admin)
            .expect("add");
        let api = db.create_token("ann", false).expect("token");
        let session = db.create_token("ann", true).expect("session");
        let listed = db.tokens(Some("ann")).expect("list");
        assert_eq!(listed.len(), 2);
        assert!(listed
            .iter()
            .any(|t| t.kind == "session" && t.expires.is_some()));
        assert!(listed
            .iter()
            .any(|t| t.kind == "api" && t.expires.is_none()));
        db.set_password("ann", "another long one").expect("passwd");
        assert_eq!(db.user_of(&api).expect("lookup"), None);
        assert_eq!(db.user_of(&session).expect("lookup"), None);
        assert!(db.check_password("ann", "another long one").expect("check"));
        // Giving a password again through `add_user` is a change too.
        let t = db.create_token("ann", false).expect("token");
        db.add_user("ann", Some("a third password"), "acme", Role::Admin)
            .expect("re-add");
        assert_eq!(db.user_of(&t).expect("lookup"), None);
        // Revoked by id, and only by its owner when one is named.
        let t = db.create_token("ann", false).expect("token");
        let id = db.tokens(Some("ann")).expect("list")[0].id.clone();
        assert!(!db.revoke_id(&id, Some("bob")).expect("not bob's"));
        assert!(db.revoke_id(&id, Some("ann")).expect("ann's"));
        assert_eq!(db.user_of(&t).expect("lookup"), None);
        // Expiry: a token made to expire in the past is refused; one in the future works.
        assert!(db.create_token_expiring("ann", false, Some(0)).is_err());
        let later = db
            .create_token_expiring("ann", false, Some(3600))
            .expect("expiring");
        assert_eq!(db.user_of(&later).expect("lookup").as_deref(), Some("ann"));
        // Removing the user ends the rest.
        db.remove_user("ann").expect("remove");
        assert_eq!(db.user_of(&later).expect("lookup"), None);
        assert!(db.workspaces("ann").expect("list").is_empty());
        assert!(db.users().expect("users").is_empty());
        assert!(
            db.remove_user("ann").is_err(),
            "removing twice names the mistake"
        );
    }

    #[test]
    fn login_attempts_are_counted_before_checking_and_per_address() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = std::sync::Arc::new(AuthDb::open(dir.path()).expect("open"));
        let limits = LoginLimits::default();
        // Forty attempts at once from one address: five get through, whatever the timing.
        let through: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..40)
                .map(|_| {
                    let db = std::sync::Arc::clone(&db);
                    scope.spawn(move || db.reserve_login("vic", "10.0.0.1", &limits))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread").expect("db").is_ok())
                .filter(|ok| *ok)
                .count()
        });
        assert_eq!(through, limits.per_user_and_address as usize);
        let refused = db
            .reserve_login("vic", "10.0.0.1", &limits)
            .expect("db")
            .expect_err("over the limit");
        assert_eq!(refused.limit, "user");
        assert!(refused.retry_after_seconds > 0 && refused.retry_after_seconds <= 900);
        // Another address is not locked out.
        assert!(db
            .reserve_login("vic", "10.0.0.2", &limits)
            .expect("db")
            .is_ok());
        // An address trying many names meets its own limit.
        for i in 0..limits.per_address {
            let _ = db.reserve_login(&format!("u{i}"), "10.0.0.3", &limits);
        }
        assert_eq!(
            db.reserve_login("zed", "10.0.0.3", &limits)
                .expect("db")
                .map_err(|r| r.limit),
            Err("address")
        );
        // The operator lifts the limit on a name.
        assert!(db.unlock("vic").expect("unlock") >= 1);
        assert!(db
            .reserve_login("vic", "10.0.0.1", &limits)
            .expect("db")
            .is_ok());
    }
}
