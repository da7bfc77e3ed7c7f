//! Jobs: imports and heavy computations (communities, stability, plans, a workspace's audit)
//! run in the background, each with a progress figure and a way to cancel it. Every job is
//! kept in `jobs.db` beside `auth.db`: a finished computation's result is served again, until
//! the workspace's next import, even after a restart; a job that was running when the server
//! stopped is found `interrupted`, not lost. Running jobs are also held in memory (their
//! cancellation flag and progress), as many as the lines for heavy work and imports allow.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use socialset_engine::{Cancel, Progress};

use crate::api::Job;
use crate::{lock, ApiError, AppState};

/// Finished jobs kept per workspace; older ones are forgotten (their results were cached
/// results, and their imports are in the store).
const JOBS_KEPT: usize = 200;

/// Imports that may wait for their workspace's turn; more are refused (503) rather than
/// holding their uploads on disk without bound.
pub(crate) const IMPORTS_QUEUED: usize = 8;

/// The server's record of jobs.
pub(crate) struct JobsDb {
    conn: Mutex<Connection>,
    /// Where imports' rejects are kept, as `ID.jsonl`: they go with their job.
    rejects: std::path::PathBuf,
}

/// A job that is queued or running: its record, what it is (its kind and parameters, the
/// same for the same work), and the handles on its work.
pub(crate) struct Live {
    pub(crate) job: Job,
    pub(crate) key: String,
    pub(crate) cancel: Cancel,
    pub(crate) progress: Progress,
}

fn db_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("jobs.db: {e}"))
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl JobsDb {
    /// Opens (creating) `dir/jobs.db`, readable by the server's user only (results name
    /// accounts), and marks the jobs a stopped server left running `interrupted`.
    pub(crate) fn open(dir: &Path) -> Result<Self, ApiError> {
        let path = dir.join("jobs.db");
        let conn = Connection::open(&path).map_err(db_error)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(db_error)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db_error)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS jobs (
                 id TEXT PRIMARY KEY, workspace TEXT NOT NULL, key TEXT NOT NULL,
                 imports INTEGER, state TEXT NOT NULL, created INTEGER NOT NULL,
                 job TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs (workspace, key);
             CREATE INDEX IF NOT EXISTS jobs_by_time ON jobs (workspace, created);",
        )
        .map_err(db_error)?;
        let db = Self {
            conn: Mutex::new(conn),
            rejects: dir.join("rejects"),
        };
        db.interrupt_unfinished()?;
        Ok(db)
    }

    fn interrupt_unfinished(&self) -> Result<(), ApiError> {
        let unfinished: Vec<(String, Option<i64>, String)> = {
            let conn = lock(&self.conn);
            let mut q = conn
                .prepare(
                    "SELECT key, imports, job FROM jobs
                     WHERE state IN ('queued', 'running', 'cancelling')",
                )
                .map_err(db_error)?;
            let rows = q
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(db_error)?
                .collect::<Result<_, _>>()
                .map_err(db_error)?;
            rows
        };
        for (key, imports, text) in unfinished {
            let mut job: Job = serde_json::from_str(&text).map_err(db_error)?;
            job.state = "interrupted".into();
            job.error = Some("the server stopped while this job ran: start it again".into());
            job.finished_at = Some(now());
            job.step = None;
            job.progress = None;
            self.put(&job, &key, imports.map(|n| n as u64))?;
        }
        Ok(())
    }

    /// Writes `job` (made at the store's import count `imports`, when known), forgetting the
    /// workspace's oldest finished jobs past `JOBS_KEPT`.
    pub(crate) fn put(&self, job: &Job, key: &str, imports: Option<u64>) -> Result<(), ApiError> {
        let text = serde_json::to_string(job).map_err(db_error)?;
        let conn = lock(&self.conn);
        conn.execute(
            "INSERT OR REPLACE INTO jobs (id, workspace, key, imports, state, created, job)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                job.id,
                job.workspace,
                key,
                imports.map(|n| n as i64),
                job.state,
                job.created_at,
                text
            ],
        )
        .map_err(db_error)?;
        let forgotten: Vec<String> = {
            let mut q = conn
                .prepare(
                    "SELECT id FROM jobs WHERE workspace = ?1 AND id NOT IN (
                         SELECT id FROM jobs WHERE workspace = ?1
                         ORDER BY created DESC, rowid DESC LIMIT ?2)",
                )
                .map_err(db_error)?;
            let ids = q
                .query_map(params![job.workspace, JOBS_KEPT as i64], |r| r.get(0))
                .map_err(db_error)?
                .collect::<Result<_, _>>()
                .map_err(db_error)?;
            ids
        };
        for id in &forgotten {
            conn.execute("DELETE FROM jobs WHERE id = ?1", params![id])
                .map_err(db_error)?;
            let _ = std::fs::remove_file(self.rejects.join(format!("{id}.jsonl")));
        }
        Ok(())
    }

    pub(crate) fn get(&self, workspace: &str, id: &str) -> Result<Option<Job>, ApiError> {
        let text: Option<String> = lock(&self.conn)
            .query_row(
                "SELECT job FROM jobs WHERE workspace = ?1 AND id = ?2",
                params![workspace, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        text.map(|t| serde_json::from_str(&t).map_err(db_error))
            .transpose()
    }

    /// The workspace's most recent jobs, newest first, without their results.
    pub(crate) fn list(&self, workspace: &str, limit: usize) -> Result<Vec<Job>, ApiError> {
        let conn = lock(&self.conn);
        let mut q = conn
            .prepare(
                "SELECT job FROM jobs WHERE workspace = ?1
                 ORDER BY created DESC, rowid DESC LIMIT ?2",
            )
            .map_err(db_error)?;
        let texts: Vec<String> = q
            .query_map(params![workspace, limit as i64], |r| r.get(0))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        texts
            .iter()
            .map(|t| {
                let mut job: Job = serde_json::from_str(t).map_err(db_error)?;
                job.result = None;
                Ok(job)
            })
            .collect()
    }

    /// The latest finished job of `key` made at the store's import count `imports`: its
    /// result is still true.
    pub(crate) fn done(
        &self,
        workspace: &str,
        key: &str,
        imports: u64,
    ) -> Result<Option<Job>, ApiError> {
        let text: Option<String> = lock(&self.conn)
            .query_row(
                "SELECT job FROM jobs WHERE workspace = ?1 AND key = ?2 AND imports = ?3
                 AND state = 'done' ORDER BY created DESC, rowid DESC LIMIT 1",
                params![workspace, key, imports as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_error)?;
        text.map(|t| serde_json::from_str(&t).map_err(db_error))
            .transpose()
    }
}

impl AppState {
    /// A job as it stands: a live one with its current step and progress, else as kept.
    pub(crate) fn job(&self, workspace: &str, id: &str) -> Result<Option<Job>, ApiError> {
        if let Some(live) = lock(&self.0.jobs)
            .get(id)
            .filter(|l| l.job.workspace == workspace)
        {
            return Ok(Some(live_view(live)));
        }
        self.0.jobs_db.get(workspace, id)
    }

    /// The workspace's jobs, running ones first, then the most recent finished ones.
    pub(crate) fn jobs(&self, workspace: &str, limit: usize) -> Result<Vec<Job>, ApiError> {
        let mut out: Vec<Job> = lock(&self.0.jobs)
            .values()
            .filter(|l| l.job.workspace == workspace)
            .map(|l| {
                let mut j = live_view(l);
                j.result = None;
                j
            })
            .collect();
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        let live: std::collections::HashSet<String> = out.iter().map(|j| j.id.clone()).collect();
        let kept = self.0.jobs_db.list(workspace, limit)?;
        out.extend(kept.into_iter().filter(|k| !live.contains(&k.id)));
        out.truncate(limit);
        Ok(out)
    }

    /// The live job doing the same work as `key` in `workspace`, if one is queued or running.
    pub(crate) fn live_job_of(&self, workspace: &str, key: &str) -> Option<Job> {
        lock(&self.0.jobs)
            .values()
            .find(|l| l.job.workspace == workspace && l.key == key && l.job.state != "cancelling")
            .map(live_view)
    }

    /// Live imports of `workspace`.
    pub(crate) fn live_imports(&self, workspace: &str) -> usize {
        lock(&self.0.jobs)
            .values()
            .filter(|l| l.job.workspace == workspace && l.job.kind == "import")
            .count()
    }

    /// Records a new job, queued.
    pub(crate) fn begin_job(&self, live: Live, imports: Option<u64>) -> Result<(), ApiError> {
        self.begin_job_if(live, imports, |_| Ok(()))
    }

    /// Records a new job once `allowed` says so of the live jobs, checked and recorded under
    /// one lock, so two requests cannot both pass a limit on live jobs.
    pub(crate) fn begin_job_if(
        &self,
        live: Live,
        imports: Option<u64>,
        allowed: impl FnOnce(&std::collections::HashMap<String, Live>) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let mut jobs = lock(&self.0.jobs);
        allowed(&jobs)?;
        self.0.jobs_db.put(&live.job, &live.key, imports)?;
        jobs.insert(live.job.id.clone(), live);
        Ok(())
    }

    /// The job has its turn and runs.
    pub(crate) fn job_running(&self, id: &str) {
        let written = {
            let mut jobs = lock(&self.0.jobs);
            jobs.get_mut(id)
                .filter(|l| l.job.state == "queued")
                .map(|l| {
                    l.job.state = "running".into();
                    (l.job.clone(), l.key.clone())
                })
        };
        if let Some((job, key)) = written {
            // The record says `queued` until now; a failed write leaves it so, which a
            // restart turns into `interrupted` all the same.
            let _ = self.0.jobs_db.put(&job, &key, None);
        }
    }

    /// Asks a live job to stop; `Ok(false)` when it is no longer running.
    pub(crate) fn cancel_job(&self, workspace: &str, id: &str) -> Result<bool, ApiError> {
        let mut jobs = lock(&self.0.jobs);
        let Some(live) = jobs.get_mut(id).filter(|l| l.job.workspace == workspace) else {
            return Ok(false);
        };
        live.cancel.cancel();
        live.job.state = "cancelling".into();
        Ok(true)
    }

    /// Asks every stream the server follows to stop (when the server stops).
    pub(crate) fn stop_streams(&self) {
        lock(&self.0.jobs)
            .values_mut()
            .filter(|l| l.job.kind == "follow")
            .for_each(|live| {
                live.cancel.cancel();
                live.job.state = "cancelling".into();
            });
    }

    /// Ends a live job: `finish` says how (its state, result or error); the job is written
    /// with the import count its result was made at, and forgotten from memory.
    pub(crate) fn end_job(&self, id: &str, imports: Option<u64>, finish: impl FnOnce(&mut Job)) {
        let Some(live) = lock(&self.0.jobs).remove(id) else {
            return;
        };
        let mut job = live.job;
        finish(&mut job);
        job.step = None;
        job.progress = None;
        job.finished_at = Some(now());
        // A failed write is logged (as every internal error is); the job then reads as
        // `queued` or `running` until a restart marks it interrupted.
        let _ = self.0.jobs_db.put(&job, &live.key, imports);
    }
}

fn live_view(live: &Live) -> Job {
    let mut job = live.job.clone();
    let status = live.progress.status();
    if !status.step.is_empty() {
        job.step = Some(status.step.clone());
    }
    job.progress = status.fraction();
    job
}
