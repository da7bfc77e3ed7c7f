//! Progress bars for long imports: bytes of the file and records per second. Drawn only when
//! stderr is a terminal (indicatif hides itself otherwise), so logs and pipes stay clean.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use socialset_engine::{FileReport, Format, ImportObserver, RecordError};

pub struct ImportProgress {
    bar: Option<ProgressBar>,
    started: Instant,
    /// Fault injection for the crash test: stop still, mid-transaction, after this many
    /// records, so a test can kill the process there (`SOCIALSET_TEST_STALL_AFTER`).
    stall_after: Option<u64>,
    quiet: bool,
    rejected: u64,
    /// The format of the last file: a run of files of one format is announced once.
    last_reading: Option<String>,
}

/// Rejected records printed one by one; the rest are only counted (all are in the rejects file).
const REJECTS_SHOWN: u64 = 10;

impl ImportProgress {
    pub fn new(quiet: bool) -> Self {
        Self {
            bar: None,
            started: Instant::now(),
            stall_after: std::env::var("SOCIALSET_TEST_STALL_AFTER")
                .ok()
                .and_then(|v| v.parse().ok()),
            quiet,
            rejected: 0,
            last_reading: None,
        }
    }
}

impl ImportObserver for ImportProgress {
    fn file_started(&mut self, file: &str, format: Format, reason: Option<&str>, total_bytes: u64) {
        let reading = format.describe().to_owned();
        if !self.quiet && self.last_reading.as_ref() != Some(&reading) {
            match reason {
                Some(why) => eprintln!("{file}: reading as {reading} ({why})"),
                None => eprintln!("{file}: reading as {reading}"),
            }
        }
        self.last_reading = Some(reading);
        let bar = ProgressBar::new(total_bytes);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} · {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        self.started = Instant::now();
        self.bar = Some(bar);
    }

    fn progress(&mut self, bytes_read: u64, records: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes_read);
            let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} records, {}/s",
                crate::output::thousands(records),
                crate::output::thousands((records as f64 / seconds) as u64)
            ));
        }
        if let Some(n) = self.stall_after {
            if records >= n {
                eprintln!("stalled after {records} records (SOCIALSET_TEST_STALL_AFTER)");
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
        }
    }

    fn record_rejected(&mut self, error: &RecordError) {
        self.rejected += 1;
        if self.rejected > REJECTS_SHOWN {
            return;
        }
        let more = if self.rejected == REJECTS_SHOWN {
            " (further skipped records are only counted)"
        } else {
            ""
        };
        let line = format!("skipped {error}{more}");
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.println(line),
            _ => eprintln!("{line}"),
        }
    }

    fn file_finished(&mut self, _report: &FileReport) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Runs `work` with a spinner on stderr that shows the step `progress` is on and how far
/// through it (the same figures a server job reports), redrawn ten times a second; nothing is
/// drawn when stderr is not a terminal.
pub fn watch<T>(progress: &socialset_engine::Progress, work: impl FnOnce() -> T) -> T {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return work();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let s = progress.status();
                bar.set_message(match s.fraction() {
                    Some(f) => format!("{} ({:.0}%)", s.step, 100.0 * f),
                    None => s.step,
                });
                bar.tick();
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let out = work();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    })
}

/// A live stream's spinner: events and records committed, and how far behind now the cursor
/// is; connections and failures are told on stderr (always: a log of a long-running follower
/// needs them).
pub struct FollowProgress {
    bar: ProgressBar,
    started: Instant,
    rejected: u64,
}

impl FollowProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Self {
            bar,
            started: Instant::now(),
            rejected: 0,
        }
    }

    fn say(&self, line: String) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }
}

impl Drop for FollowProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl socialset_engine::FollowObserver for FollowProgress {
    fn connecting(&mut self, url: &str, cursor: Option<u64>) {
        self.say(match cursor {
            Some(c) => format!("{url}: connecting, from cursor {c}"),
            None => format!("{url}: connecting, from now (no cursor stored)"),
        });
    }

    fn committed(&mut self, events: u64, records: u64, cursor: Option<u64>) {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let behind = cursor
            .and_then(|c| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?
                    .as_micros() as u64;
                Some(now.saturating_sub(c) / 1_000_000)
            })
            .map(|s| format!(", cursor {s} s behind now"))
            .unwrap_or_default();
        self.bar.set_message(format!(
            "{} events committed, {} records, {}/s{behind}",
            crate::output::thousands(events),
            crate::output::thousands(records),
            crate::output::thousands((events as f64 / seconds) as u64)
        ));
    }

    fn rejected(&mut self, error: &RecordError) {
        self.rejected += 1;
        if self.rejected <= REJECTS_SHOWN {
            self.say(format!("skipped {error}"));
        }
    }

    fn reconnecting(&mut self, why: &str, wait: std::time::Duration) {
        self.say(format!(
            "connection lost ({why}); connecting again in {} s",
            wait.as_secs()
        ));
    }
}
