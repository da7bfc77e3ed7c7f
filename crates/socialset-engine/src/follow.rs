//! Following a live Jetstream endpoint (Bluesky's firehose as JSON over a WebSocket): each
//! event read as the Bluesky importer reads a saved one, written in batches, one transaction
//! each, with the stream's cursor (the last committed event's `time_us`) kept in the store by
//! the same transaction. A restart, after a crash or a kill, asks the server for the events
//! from that cursor on: an event is acknowledged only once committed, and writing one twice
//! changes nothing, so nothing is lost and nothing doubles.

use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use socialset_ingest::{Format, ReadLimits, ReadOptions, RecordError, RecordReader};
use socialset_model::Record;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{HandshakeError, Message, WebSocket};

use crate::import::{create_rejects_file, write_reject, FileReport, ImportReport};
use crate::{Error, Result, Workspace};

/// How to follow a stream.
#[derive(Clone, Debug)]
pub struct FollowOptions {
    /// `ws://` or `wss://` URL of a Jetstream `subscribe` endpoint, with its query
    /// (`wantedCollections`, `wantedDids`; a `cursor` given here wins over the stored one).
    pub url: String,
    /// Namespace of the ids; `None`: `bsky`.
    pub platform: Option<String>,
    /// Write bad events to the rejects file and go on; otherwise the first bad event stops
    /// the stream, after the events before it are committed.
    pub skip_bad: bool,
    /// Where the rejects file goes; `None`: the current directory.
    pub rejects_dir: Option<PathBuf>,
    /// The largest event (`max_line_bytes`) and text field accepted.
    pub limits: ReadLimits,
    /// Events per transaction at most.
    pub batch_events: usize,
    /// The longest a read event waits for its batch to commit.
    pub batch_wait: Duration,
    /// Stop after this many events; `None`: until the server closes the stream or the work
    /// is cancelled.
    pub max_events: Option<u64>,
    /// Failed connections in a row before giving up (each retried after a wait that doubles
    /// from 1 s up to 30 s).
    pub max_reconnects: u32,
}

impl FollowOptions {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            platform: None,
            skip_bad: false,
            rejects_dir: None,
            limits: ReadLimits::default(),
            batch_events: 1000,
            batch_wait: Duration::from_secs(1),
            max_events: None,
            max_reconnects: 5,
        }
    }
}

/// Told about a stream as it goes; every method has a silent default.
pub trait FollowObserver {
    /// About to connect, asking for events from `cursor` on (`None`: from now).
    fn connecting(&mut self, _url: &str, _cursor: Option<u64>) {}
    /// A batch was committed; the totals so far and the cursor now stored.
    fn committed(&mut self, _events: u64, _records: u64, _cursor: Option<u64>) {}
    fn rejected(&mut self, _error: &RecordError) {}
    /// The connection failed; the next attempt comes after `wait`.
    fn reconnecting(&mut self, _why: &str, _wait: Duration) {}
}

impl FollowObserver for crate::NoProgress {}

/// What following a stream did.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowReport {
    /// The records, bad events and what was not imported, as one "file" named by the
    /// endpoint; the store's counts before and after.
    pub import: ImportReport,
    /// Events received (a replayed event counts again; writing it again changes nothing).
    pub events: u64,
    /// Transactions committed.
    pub batches: u64,
    /// The cursor the first connection asked for: the stored one, the URL's, or `None`
    /// (from now).
    pub resumed_from: Option<u64>,
    /// The cursor stored at the end: a restart resumes from it.
    pub cursor: Option<u64>,
    pub reconnects: u32,
    /// Why it stopped.
    pub stopped: String,
}

/// A Jetstream endpoint, parsed.
#[derive(Debug)]
struct Endpoint {
    tls: bool,
    host: String,
    port: u16,
    /// `ws(s)://host:port/path`, without the query: names the stream in messages and its
    /// cursor in the store.
    name: String,
    path: String,
    /// The query's pairs other than `cursor`.
    query: Vec<String>,
    /// The URL's own `cursor`, when it has one.
    cursor: Option<u64>,
}

impl Endpoint {
    fn parse(url: &str) -> Result<Self> {
        let usage = |why: &str| {
            Error::Usage(format!(
                "--follow {url}: {why}; give a Jetstream endpoint, e.g. \
                 wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post"
            ))
        };
        let uri: tungstenite::http::Uri = url.parse().map_err(|_| usage("not a URL"))?;
        let tls = match uri.scheme_str() {
            Some("wss") => true,
            Some("ws") => false,
            _ => return Err(usage("the URL must start with ws:// or wss://")),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| usage("the URL names no host"))?;
        // Kept as the resolver, TLS and a server's list of allowed hosts take it; the URL and
        // the name put an IPv6 literal's brackets back.
        let host = bare_host(host).to_owned();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let path = match uri.path() {
            "" => "/".to_owned(),
            p => p.to_owned(),
        };
        let mut query = Vec::new();
        let mut cursor = None;
        for pair in uri.query().unwrap_or_default().split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "" => {}
                "cursor" => {
                    cursor = Some(value.parse::<u64>().map_err(|_| {
                        usage(&format!(
                            "cursor={value} is not a time in microseconds since 1970"
                        ))
                    })?)
                }
                "compress" if value == "true" => {
                    return Err(usage(
                        "socialset reads Jetstream's JSON events, not its zstd-compressed ones \
                         (leave out compress=true)",
                    ))
                }
                _ => query.push(pair.to_owned()),
            }
        }
        let scheme = if tls { "wss" } else { "ws" };
        let name = format!("{scheme}://{}:{port}{path}", bracketed(&host));
        Ok(Self {
            tls,
            host,
            port,
            name,
            path,
            query,
            cursor,
        })
    }

    /// The URL to ask for events from `cursor` on.
    fn url(&self, cursor: Option<u64>) -> String {
        let mut query = self.query.clone();
        query.extend(cursor.map(|c| format!("cursor={c}")));
        let scheme = if self.tls { "wss" } else { "ws" };
        let (host, port, path) = (bracketed(&self.host), self.port, &self.path);
        if query.is_empty() {
            format!("{scheme}://{host}:{port}{path}")
        } else {
            format!("{scheme}://{host}:{port}{path}?{}", query.join("&"))
        }
    }

    /// The `meta` key of the stream's cursor.
    fn cursor_key(&self) -> String {
        format!("follow.cursor {}", self.name)
    }
}

/// A host without the brackets a URL puts around an IPv6 literal (`[::1]` → `::1`).
pub fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// A host as a URL writes it: an IPv6 literal in brackets.
fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// A connection: plain TCP or TLS over it.
trait Conn: Read + Write + Send {}
impl<T: Read + Write + Send> Conn for T {}

/// How long a read waits before the loop looks at the clock (batch deadline, cancel).
const TICK: Duration = Duration::from_millis(200);
/// How long connecting and the WebSocket handshake may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

fn network(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |cause| Error::Io { context, cause }
}

fn other(context: &str, why: impl std::fmt::Display) -> Error {
    Error::Io {
        context: context.to_owned(),
        cause: std::io::Error::other(why.to_string()),
    }
}

fn connect(
    ep: &Endpoint,
    cursor: Option<u64>,
    limits: &ReadLimits,
) -> Result<WebSocket<Box<dyn Conn>>> {
    let context = format!("connecting to {}", ep.name);
    let addrs: Vec<_> = (ep.host.as_str(), ep.port)
        .to_socket_addrs()
        .map_err(network(context.clone()))?
        .collect();
    let mut last = None;
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let tcp = match (tcp, last) {
        (Some(s), _) => s,
        (None, Some(e)) => return Err(network(context)(e)),
        (None, None) => return Err(other(&context, "the host has no address")),
    };
    tcp.set_nodelay(true).map_err(network(context.clone()))?;
    tcp.set_read_timeout(Some(TICK))
        .map_err(network(context.clone()))?;
    let conn: Box<dyn Conn> = if ep.tls {
        Box::new(tls(&ep.host, tcp).map_err(|e| other(&context, e))?)
    } else {
        Box::new(tcp)
    };
    let max = limits.max_line_bytes;
    let config = WebSocketConfig::default()
        .max_message_size(Some(max))
        .max_frame_size(Some(max));
    let started = Instant::now();
    let mut attempt = tungstenite::client::client_with_config(ep.url(cursor), conn, Some(config));
    loop {
        match attempt {
            Ok((socket, _response)) => return Ok(socket),
            Err(HandshakeError::Interrupted(mid)) if started.elapsed() < CONNECT_TIMEOUT => {
                attempt = mid.handshake();
            }
            Err(HandshakeError::Interrupted(_)) => {
                return Err(other(&context, "the WebSocket handshake timed out"))
            }
            Err(HandshakeError::Failure(e)) => return Err(other(&context, e)),
        }
    }
}

/// TLS to `host` over `tcp`, checked against the Mozilla roots webpki-roots carries. On
/// ring, which rustls 0.23.48 marks deprecated for having no post-quantum key exchange: the
/// firehose is public data, and aws-lc, the other provider, would add minutes to a build on
/// two cores.
#[allow(deprecated)]
fn tls(
    host: &str,
    tcp: TcpStream,
) -> std::result::Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, String> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| format!("{host}: {e}"))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    Ok(rustls::StreamOwned::new(conn, tcp))
}

/// An event's time, read before the event itself (`time_us`, microseconds since 1970).
#[derive(serde::Deserialize)]
struct EventTime {
    time_us: Option<u64>,
}

/// The events read and not yet committed.
#[derive(Default)]
struct Pending {
    records: Vec<Record>,
    events: u64,
    latest: Option<u64>,
    since: Option<Instant>,
}

/// What one connection ended with.
enum Ended {
    /// Stop: the reason.
    Stop(String),
    /// The connection failed after it was made: try again.
    Failed(String),
}

struct Follower<'a> {
    ws: &'a mut Workspace,
    options: &'a FollowOptions,
    observer: &'a mut dyn FollowObserver,
    ep: Endpoint,
    read: ReadOptions,
    report: FileReport,
    rejects: Option<BufWriter<std::fs::File>>,
    pending: Pending,
    cursor: Option<u64>,
    events: u64,
    records: u64,
    batches: u64,
}

impl Follower<'_> {
    /// Writes the pending events and the cursor in one transaction.
    fn commit(&mut self) -> Result<()> {
        if self.pending.events == 0 {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let cursor = self.cursor.max(pending.latest);
        {
            let mut tx = self.ws.store.begin_import()?;
            for record in &pending.records {
                tx.put(record).map_err(|e| match e {
                    socialset_store::Error::Conflict(why) => {
                        Error::Usage(format!("{}: {why}", self.ep.name))
                    }
                    other => other.into(),
                })?;
            }
            if let Some(c) = cursor {
                tx.set_meta(&self.ep.cursor_key(), &c.to_string())?;
            }
            tx.commit()?;
        }
        for record in &pending.records {
            *self.report.records.entry(record.kind()).or_default() += 1;
        }
        self.cursor = cursor;
        self.events += pending.events;
        self.records += pending.records.len() as u64;
        self.batches += 1;
        self.observer
            .committed(self.events, self.records, self.cursor);
        Ok(())
    }

    /// Reads one event into the pending batch; `Err` for a bad one that stops the stream
    /// (the events before it are committed first).
    fn event(&mut self, text: &[u8]) -> Result<()> {
        let number = self.events + self.pending.events + 1;
        let time = serde_json::from_slice::<EventTime>(text)
            .ok()
            .and_then(|t| t.time_us);
        let display = match time {
            Some(t) => format!("{} event {number} (time_us {t})", self.ep.name),
            None => format!("{} event {number}", self.ep.name),
        };
        let mut reader = RecordReader::from_bytes(text.to_vec(), &display, &self.read);
        let mut good = Vec::new();
        let mut bad = None;
        for item in reader.by_ref() {
            match item {
                Ok(r) => good.push(r),
                Err(e) => {
                    bad = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = bad {
            if !self.options.skip_bad || e.fatal {
                self.commit()?;
                return Err(Error::BadInput(e));
            }
            self.reject(&e)?;
        } else {
            self.pending.records.extend(good);
        }
        for (what, n) in reader.ignored() {
            *self.report.ignored.entry(what.clone()).or_default() += n;
        }
        self.pending.events += 1;
        self.pending.latest = self.pending.latest.max(time);
        self.pending.since.get_or_insert_with(Instant::now);
        Ok(())
    }

    fn reject(&mut self, e: &RecordError) -> Result<()> {
        let writer = match &mut self.rejects {
            Some(w) => w,
            None => {
                let name = format!(
                    "jetstream-{}",
                    self.ep
                        .host
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() || c == '.' {
                            c
                        } else {
                            '_'
                        })
                        .collect::<String>()
                );
                let (file, at) = create_rejects_file(
                    std::path::Path::new(&name),
                    self.options.rejects_dir.as_deref(),
                )?;
                self.report.rejects_path = Some(at);
                self.rejects.insert(BufWriter::new(file))
            }
        };
        write_reject(writer, e).map_err(Error::io("writing the rejects file"))?;
        writer
            .flush()
            .map_err(Error::io("writing the rejects file"))?;
        self.report.rejected += 1;
        self.observer.rejected(e);
        Ok(())
    }

    fn due(&self) -> bool {
        self.pending.events as usize >= self.options.batch_events.max(1)
            || self
                .pending
                .since
                .is_some_and(|t| t.elapsed() >= self.options.batch_wait)
    }

    fn done(&self) -> bool {
        self.options
            .max_events
            .is_some_and(|m| self.events + self.pending.events >= m)
    }

    /// Reads one connection until it ends.
    fn run(&mut self, socket: &mut WebSocket<Box<dyn Conn>>) -> Result<Ended> {
        loop {
            if self.ws.cancel.check().is_err() {
                self.commit()?;
                let _ = socket.close(None);
                return Ok(Ended::Stop("stopped (cancelled)".into()));
            }
            match socket.read() {
                Ok(Message::Text(text)) => self.event(text.as_bytes())?,
                Ok(Message::Binary(_)) => {
                    self.commit()?;
                    return Err(Error::Usage(format!(
                        "{}: the server sends binary messages (compressed events?); socialset \
                         reads Jetstream's JSON events",
                        self.ep.name
                    )));
                }
                Ok(Message::Close(_)) => {
                    self.commit()?;
                    return Ok(Ended::Stop("the server closed the stream".into()));
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    self.commit()?;
                    return Ok(Ended::Stop("the server closed the stream".into()));
                }
                Err(tungstenite::Error::Capacity(e)) => {
                    self.commit()?;
                    return Err(Error::Usage(format!(
                        "{}: an event past the limit of {} bytes ({e}); raise --max-line-mb",
                        self.ep.name, self.options.limits.max_line_bytes
                    )));
                }
                Err(e) => {
                    self.commit()?;
                    return Ok(Ended::Failed(e.to_string()));
                }
            }
            if self.done() {
                self.commit()?;
                let _ = socket.close(None);
                return Ok(Ended::Stop(format!(
                    "read the {} events asked for",
                    self.options.max_events.unwrap_or_default()
                )));
            }
            if self.due() {
                self.commit()?;
            }
        }
    }
}

/// The host a Jetstream URL names and the endpoint's name (`ws(s)://HOST:PORT/PATH`), once
/// it is one socialset can follow: for a server that follows only the hosts it allows.
pub fn stream_endpoint(url: &str) -> Result<(String, String)> {
    let ep = Endpoint::parse(url)?;
    Ok((ep.host, ep.name))
}

impl Workspace {
    /// The cursor stored for the Jetstream endpoint `url` (the `time_us` of the last event
    /// committed from it), if it has been followed.
    pub fn follow_cursor(&self, url: &str) -> Result<Option<u64>> {
        let ep = Endpoint::parse(url)?;
        Ok(self
            .store
            .meta(&ep.cursor_key())?
            .and_then(|v| v.parse().ok()))
    }

    /// Follows a live Jetstream endpoint until the server closes the stream, `max_events`
    /// have been read, or the work is cancelled, committing a batch at a time with its
    /// cursor. The first connection asks for the events from the URL's `cursor`, else the
    /// stored one, else from now. A connection that fails is made again from the stored
    /// cursor, up to `max_reconnects` times in a row.
    pub fn follow(
        &mut self,
        options: &FollowOptions,
        observer: &mut dyn FollowObserver,
    ) -> Result<FollowReport> {
        let ep = Endpoint::parse(&options.url)?;
        if options.batch_events == 0 {
            return Err(Error::Usage("a batch holds at least one event".into()));
        }
        if options.max_events == Some(0) {
            return Err(Error::Usage(
                "--max-events 0 reads nothing: ask for at least one event".into(),
            ));
        }
        let stored = self
            .store
            .meta(&ep.cursor_key())?
            .and_then(|v| v.parse::<u64>().ok());
        let resumed_from = ep.cursor.or(stored);
        let before = self.store.counts()?;
        let report = FileReport {
            file: ep.name.clone(),
            format: Format::Bluesky,
            detection: None,
            records: BTreeMap::new(),
            rejected: 0,
            rejects_path: None,
            ignored: BTreeMap::new(),
        };
        let read = ReadOptions {
            platform: options.platform.clone(),
            limits: options.limits,
            ..ReadOptions::new(Format::Bluesky)
        };
        let mut f = Follower {
            ws: self,
            options,
            observer,
            ep,
            read,
            report,
            rejects: None,
            pending: Pending::default(),
            cursor: stored,
            events: 0,
            records: 0,
            batches: 0,
        };
        let mut reconnects = 0u32;
        let mut failures = 0u32;
        let mut ask = resumed_from;
        let stopped = loop {
            f.observer.connecting(&f.ep.name, ask);
            let why = match connect(&f.ep, ask, &options.limits) {
                Ok(mut socket) => {
                    let read_before = f.events;
                    match f.run(&mut socket)? {
                        Ended::Stop(why) => break why,
                        Ended::Failed(why) => {
                            if f.events > read_before {
                                failures = 0;
                            }
                            why
                        }
                    }
                }
                // The first connection failing is the user's to fix (a wrong host or port).
                Err(e) if reconnects == 0 && f.events == 0 => return Err(e),
                Err(e) => e.to_string(),
            };
            failures += 1;
            if failures > options.max_reconnects {
                break format!("gave up after {failures} failed connections in a row: {why}");
            }
            let wait = Duration::from_secs(1 << (failures - 1).min(5)).min(Duration::from_secs(30));
            f.observer.reconnecting(&why, wait);
            let until = Instant::now() + wait;
            while Instant::now() < until {
                if f.ws.cancel.check().is_err() {
                    break;
                }
                std::thread::sleep(TICK);
            }
            if f.ws.cancel.check().is_err() {
                break "stopped (cancelled)".into();
            }
            reconnects += 1;
            ask = f.cursor.or(resumed_from);
        };
        if let Some(w) = &mut f.rejects {
            w.flush().map_err(Error::io("writing the rejects file"))?;
        }
        let (events, batches, cursor, file) = (f.events, f.batches, f.cursor, f.report);
        Ok(FollowReport {
            import: ImportReport {
                files: vec![file],
                before,
                after: self.store.counts()?,
                skipped_files: Vec::new(),
            },
            events,
            batches,
            resumed_from,
            cursor,
            reconnects,
            stopped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Endpoint;

    #[test]
    fn endpoint_keeps_its_query_and_takes_the_cursor_apart() {
        let ep = Endpoint::parse(
            "wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725911162329308",
        )
        .expect("a Jetstream URL");
        assert!(ep.tls);
        assert_eq!(ep.port, 443);
        assert_eq!(ep.cursor, Some(1725911162329308));
        assert_eq!(
            ep.name,
            "wss://jetstream2.us-east.bsky.network:443/subscribe"
        );
        assert_eq!(
            ep.url(Some(7)),
            "wss://jetstream2.us-east.bsky.network:443/subscribe?wantedCollections=app.bsky.feed.post&cursor=7"
        );
        assert_eq!(ep.url(None), "wss://jetstream2.us-east.bsky.network:443/subscribe?wantedCollections=app.bsky.feed.post");
    }

    #[test]
    fn an_ipv6_literal_resolves_and_keeps_its_brackets_in_the_url() {
        use std::net::ToSocketAddrs as _;
        let ep = Endpoint::parse("ws://[::1]:6008/subscribe?cursor=5").expect("an IPv6 URL");
        assert_eq!((ep.host.as_str(), ep.port), ("::1", 6008));
        assert_eq!(ep.name, "ws://[::1]:6008/subscribe");
        assert_eq!(ep.url(Some(9)), "ws://[::1]:6008/subscribe?cursor=9");
        let addrs: Vec<_> = (ep.host.as_str(), ep.port)
            .to_socket_addrs()
            .expect("resolves")
            .collect();
        assert!(
            addrs.iter().all(|a| a.is_ipv6() && a.port() == 6008),
            "{addrs:?}"
        );
        // A server's list of allowed hosts names it as people write it.
        assert_eq!(
            super::stream_endpoint("ws://[::1]:6008/subscribe")
                .expect("endpoint")
                .0,
            "::1"
        );
    }

    #[test]
    fn endpoint_refuses_what_it_cannot_read() {
        for (url, says) in [
            ("http://example.org/subscribe", "ws:// or wss://"),
            ("ws://h/subscribe?compress=true", "zstd"),
            ("ws://h/subscribe?cursor=yesterday", "microseconds"),
            ("ws:///subscribe", "URL"),
        ] {
            let e = Endpoint::parse(url).expect_err("refused").to_string();
            assert!(e.contains(says), "{url}: {e}");
            assert!(e.contains("e.g. wss://"), "{url}: {e}");
        }
    }
}
