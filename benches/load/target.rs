//! The servers under test: ours (strict or batched durability) and the reference binary,
//! each started on a free loopback port with a private directory, timed from spawn to the
//! first answered `registerHostClient`, measured by its RSS, and stopped by its PID.

use crate::ws::Host;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Strict,
    Batched,
    Reference,
    /// Not a server: the floors of `floor.rs` (a bare fan-out server, the disk's sync).
    Floor,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Strict => "ours strict",
            Kind::Batched => "ours batched",
            Kind::Reference => "reference",
            Kind::Floor => "floor (bare)",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Kind::Strict => "strict",
            Kind::Batched => "batched",
            Kind::Reference => "reference",
            Kind::Floor => "floor",
        }
    }
    pub fn is_ours(self) -> bool {
        matches!(self, Kind::Strict | Kind::Batched)
    }
}

#[derive(Debug, Clone)]
pub struct Target {
    pub kind: Kind,
    pub bin: PathBuf,
}

/// A running server; killed (SIGKILL) if dropped without `stop`.
pub struct Running {
    pub kind: Kind,
    pub port: u16,
    pub child: Child,
    /// Spawn to the first answered registration.
    pub startup: Duration,
}

pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

impl Target {
    /// Starts the server with `dir` as its data dir (ours) or TMPDIR (the reference, for its
    /// lock file).
    pub async fn start(&self, dir: &Path) -> Result<Running> {
        std::fs::create_dir_all(dir)?;
        let port = free_port()?;
        let mut cmd = Command::new(&self.bin);
        cmd.arg("server").arg("--port").arg(port.to_string());
        match self.kind {
            Kind::Strict | Kind::Batched => {
                cmd.arg("--data-dir")
                    .arg(dir)
                    .arg("--durability")
                    .arg(self.kind.key())
                    .env("PGLET_LOG_LEVEL", "warn");
            }
            Kind::Reference => {
                cmd.env("TMPDIR", dir).env("PGLET_LOG_LEVEL", "error");
            }
            Kind::Floor => bail!("the floor is not a server to start"),
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let t0 = Instant::now();
        let child = cmd
            .spawn()
            .with_context(|| format!("spawning {}", self.bin.display()))?;
        let mut run = Running {
            kind: self.kind,
            port,
            child,
            startup: Duration::ZERO,
        };
        run.wait_serving(t0).await?;
        Ok(run)
    }
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn ws_url(&self) -> String {
        crate::ws::url(self.port)
    }

    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls (1 ms) until a host registration is answered: the server has no readiness
    /// signal the reference shares, so this is the honest "serving" moment for both.
    async fn wait_serving(&mut self, t0: Instant) -> Result<()> {
        let deadline = t0 + Duration::from_secs(120);
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("{} exited at start: {status}", self.kind.label());
            }
            if let Ok(mut h) = Host::connect(&self.ws_url()).await {
                h.register("load/ready", true).await?;
                self.startup = t0.elapsed();
                h.close().await;
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{} did not start within 120 s", self.kind.label());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Resident set size, bytes (/proc/PID/status VmRSS).
    pub fn rss(&self) -> Result<u64> {
        rss_of(self.pid())
    }

    /// SIGTERM, then SIGKILL after 20 s.
    pub fn stop(mut self) -> Result<()> {
        let pid = self.pid() as i32;
        // SAFETY: signalling our own child by its PID.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        bail!("{} ignored SIGTERM; killed", self.kind.label())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn rss_of(pid: u32) -> Result<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    for line in s.lines() {
        if let Some(v) = line.strip_prefix("VmRSS:") {
            let kb: u64 = v
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .context("VmRSS")?;
            return Ok(kb * 1024);
        }
    }
    bail!("no VmRSS for {pid}")
}
