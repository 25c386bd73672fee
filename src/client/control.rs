//! The local control channel between the short-lived `pglet page` / `pglet app` commands and
//! the proxy daemon: a Unix socket in `$TMPDIR` carrying one JSON request line and JSON reply
//! lines. Also where the daemon's files live and how a command finds (or starts) the daemon.

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Request {
    /// Connect a shared page; one reply: `pipe` and `url`.
    Page(Connect),
    /// Serve an app; replies: `url`, then one `pipe` per new session for as long as the
    /// control connection stays open. Closing it ends the app.
    App(Connect),
    Ping,
    /// Stop the daemon (tests, upgrades).
    Stop,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Connect {
    pub server: String,
    pub name: String,
    pub update: bool,
    pub token: String,
    pub permissions: String,
    pub all_events: bool,
    pub ticker_ms: Option<u64>,
    pub uds: bool,
    pub lifetime: Option<String>,
    /// Where to make the pipes (the script's TMPDIR); absent: the service's own.
    pub tmp: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Reply {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pipe: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub error: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
}

impl Reply {
    pub fn error(e: impl Into<String>) -> Reply {
        Reply {
            error: e.into(),
            ..Default::default()
        }
    }
    pub fn line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The daemon's files, one set per `$TMPDIR` (so per user, or per test).
pub struct Paths {
    pub tmp: PathBuf,
    pub socket: PathBuf,
    pub lock: PathBuf,
    pub pid: PathBuf,
    pub log: PathBuf,
}

impl Paths {
    pub fn new() -> Paths {
        let tmp = std::env::temp_dir();
        Paths {
            socket: tmp.join("pglet-rs-client.sock"),
            lock: tmp.join("pglet-rs-client.lock"),
            pid: tmp.join("pglet-rs-client.pid"),
            log: tmp.join("pglet-rs-client.log"),
            tmp,
        }
    }
}

impl Default for Paths {
    fn default() -> Self {
        Self::new()
    }
}

/// A connection to the daemon, sending one request and reading reply lines.
pub struct Channel {
    reader: BufReader<UnixStream>,
}

impl Channel {
    pub fn send(paths: &Paths, req: &Request) -> std::io::Result<Channel> {
        Self::send_on(UnixStream::connect(&paths.socket)?, req)
    }

    /// Sends a request on a connection made already (a server's direct pipes).
    pub fn send_on(mut s: UnixStream, req: &Request) -> std::io::Result<Channel> {
        let mut line = serde_json::to_string(req).map_err(std::io::Error::other)?;
        line.push('\n');
        s.write_all(line.as_bytes())?;
        Ok(Channel {
            reader: BufReader::new(s),
        })
    }

    /// The next reply; `None` when the daemon closed the connection.
    pub fn next_reply(&mut self) -> std::io::Result<Option<Reply>> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        serde_json::from_str(&line)
            .map(Some)
            .map_err(std::io::Error::other)
    }
}

fn ping(paths: &Paths) -> Option<Reply> {
    Channel::send(paths, &Request::Ping)
        .ok()?
        .next_reply()
        .ok()?
}

/// Finds the running daemon or starts one (detached, in its own process group, logging to
/// `$TMPDIR/pglet-rs-client.log`) and waits until it answers. A daemon of another version is
/// asked to stop first, so an upgrade takes effect.
pub fn ensure_daemon(paths: &Paths) -> anyhow::Result<()> {
    if let Some(r) = ping(paths) {
        if r.version == env!("CARGO_PKG_VERSION") {
            return Ok(());
        }
        tracing::info!(old = %r.version, "restarting the pipe proxy of another version");
        if let Ok(mut c) = Channel::send(paths, &Request::Stop) {
            let _ = c.next_reply();
        }
    }
    let exe = std::env::current_exe()?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log)?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("client")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.spawn()?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if ping(paths).is_some() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    anyhow::bail!("the pipe proxy did not start; see {}", paths.log.display())
}
