//! The pipe measures, through the `pglet page` proxy daemon and its FIFOs, exactly as a
//! Bash script uses them: write a command (open, write, close), then read the reply (open,
//! read to EOF). `set`/`get` round trips, and back-to-back `setf`: how many arrive and how
//! fast, plus (for servers that lose commands) the fastest pace at which none is lost.
//!
//! Arrivals are counted on the server, not trusted from the proxy: every `setf` also sets
//! its own prop `n<i>`, and a browser stand-in that registers afterwards counts them in the
//! full state. A second browser, attached during the burst, tells when the server has gone
//! quiet (the last update arrived), which is when the burst is over.

use crate::scenarios::Sizes;
use crate::stats::Results;
use crate::target::{free_port, Running, Target};
use crate::ws;
use anyhow::{anyhow, bail, ensure, Context, Result};
use futures_util::StreamExt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server has been quiet this long: the burst is over.
const QUIET: Duration = Duration::from_millis(500);

/// One `pglet page` pipe and the daemon behind it.
struct Pipe {
    path: PathBuf,
    tmp: PathBuf,
}

impl Pipe {
    fn open(t: &Target, s: &Running, dir: &Path, page: &str) -> Result<Pipe> {
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        let out = std::process::Command::new(&t.bin)
            .args(["page", page, "--server", &s.http_url(), "--no-window"])
            .env("TMPDIR", &tmp)
            // The daemon's own embedded server must not take a port (or lock file) in use.
            .env("PGLET_SERVER_PORT", free_port()?.to_string())
            .env("PGLET_LOG_LEVEL", "error")
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .output()
            .context("running `pglet page`")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let pipe = Pipe {
            path: PathBuf::new(),
            tmp,
        };
        if !out.status.success() {
            pipe.stop();
            bail!(
                "`pglet page` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let path = stdout
            .split_whitespace()
            .next()
            .ok_or_else(|| anyhow!("`pglet page` printed no pipe"))?;
        Ok(Pipe {
            path: PathBuf::from(path),
            ..pipe
        })
    }

    /// Stops the daemon(s) started for this pipe: the processes whose environment has our
    /// private TMPDIR (nothing else on the machine has it), by PID.
    fn stop(&self) {
        let want = format!("TMPDIR={}", self.tmp.display());
        let me = std::process::id();
        let Ok(rd) = std::fs::read_dir("/proc") else {
            return;
        };
        for e in rd.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if pid == me {
                continue;
            }
            let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
                continue;
            };
            if env.split(|b| *b == 0).any(|v| v == want.as_bytes()) {
                // SAFETY: signalling a process we started (identified by its private TMPDIR).
                unsafe {
                    libc::kill(pid as i32, libc::SIGKILL);
                }
            }
        }
    }
}

/// Unblocks a FIFO open that waits for a daemon that died (the reference's daemon crashes
/// under some bursts): one thread watches the current blocking operation's deadline and
/// opens the other end itself, so the operation returns and is reported as a timeout.
struct Watchdog {
    state: Arc<std::sync::Mutex<Option<(Instant, PathBuf, bool)>>>,
    fired: Arc<std::sync::atomic::AtomicBool>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

const OP_TIMEOUT: Duration = Duration::from_secs(5);

impl Watchdog {
    fn start() -> Watchdog {
        let w = Watchdog {
            state: Default::default(),
            fired: Default::default(),
            stop: Default::default(),
        };
        let (state, fired, stop) = (w.state.clone(), w.fired.clone(), w.stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(100));
                let due = state.lock().ok().and_then(|g| g.clone());
                if let Some((deadline, path, writing)) = due {
                    if Instant::now() > deadline {
                        fired.store(true, Ordering::Release);
                        use std::os::unix::fs::OpenOptionsExt;
                        let _ = std::fs::OpenOptions::new()
                            .read(writing)
                            .write(!writing)
                            .custom_flags(libc::O_NONBLOCK)
                            .open(&path);
                    }
                }
            }
        });
        w
    }

    fn guard<T>(&self, path: &Path, writing: bool, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if let Ok(mut g) = self.state.lock() {
            *g = Some((Instant::now() + OP_TIMEOUT, path.to_path_buf(), writing));
        }
        let r = f();
        if let Ok(mut g) = self.state.lock() {
            *g = None;
        }
        if self.fired.swap(false, Ordering::AcqRel) {
            bail!(DaemonGone);
        }
        r
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// The proxy stopped serving its FIFO.
#[derive(Debug)]
struct DaemonGone;

impl std::fmt::Display for DaemonGone {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "the pipe proxy stopped answering (no reader/writer for {OP_TIMEOUT:?})"
        )
    }
}

impl std::error::Error for DaemonGone {}

fn write_cmd(w: &Watchdog, path: &Path, text: &str) -> Result<()> {
    w.guard(path, true, || {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        f.write_all(text.as_bytes())?;
        Ok(())
    })
}

fn read_reply(w: &Watchdog, path: &Path) -> Result<String> {
    w.guard(path, false, || {
        let mut s = String::new();
        std::fs::File::open(path)?.read_to_string(&mut s)?;
        Ok(s)
    })
}

fn round_trip(w: &Watchdog, path: &Path, text: &str) -> Result<String> {
    write_cmd(w, path, text).with_context(|| format!("writing {text:?}"))?;
    read_reply(w, path).with_context(|| format!("reading the reply to {text:?}"))
}

/// Counts controls' `n*` props of `x` in a fresh full state.
async fn delivered(s: &Running, page: &str, x: &str) -> Result<usize> {
    let (_, state) = ws::browser(&s.ws_url(), page).await?;
    let v: serde_json::Value = serde_json::from_str(&state)?;
    let c = &v["payload"]["session"]["controls"][x];
    let m = c
        .as_object()
        .ok_or_else(|| anyhow!("control {x} missing from the full state"))?;
    Ok(m.keys().filter(|k| k.starts_with('n')).count())
}

/// What one burst of `setf` did.
struct Burst {
    arrived: usize,
    /// First write to the last update the server sent.
    secs: f64,
    /// Writes that failed with EPIPE (lost).
    broken: usize,
    /// The proxy died after this many writes.
    died_after: Option<usize>,
}

/// `n` `setf`s to control `x` of a fresh page, `gap` apart (0 = back to back), through a
/// fresh proxy.
async fn burst(
    t: &Target,
    s: &Running,
    dir: &Path,
    name: &str,
    n: usize,
    gap: Duration,
) -> Result<Burst> {
    let pipe = Pipe::open(t, s, &dir.join(name), name)?;
    let out = burst_on(s, &pipe, &format!("p/{name}"), n, gap).await;
    pipe.stop();
    out
}

async fn burst_on(s: &Running, pipe: &Pipe, page: &str, n: usize, gap: Duration) -> Result<Burst> {
    let x = "x";
    let w = Watchdog::start();
    let r = round_trip(&w, &pipe.path, &format!("add text id={x} value=0"))?;
    ensure!(r.starts_with("0 "), "add {x}: {r:?}");
    let (b, _) = ws::browser(&s.ws_url(), page).await?;
    let t0 = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let l2 = last.clone();
    let watcher = tokio::spawn(async move {
        let (_, mut read) = b.split();
        while let Some(Ok(_)) = read.next().await {
            l2.store(t0.elapsed().as_nanos() as u64, Ordering::Release);
        }
    });
    let cmds: Vec<String> = (1..=n)
        .map(|i| format!("setf {x} value={i} n{i}=1\n"))
        .collect();
    let path = pipe.path.clone();
    // A reader that closes while we write (the reference's daemon re-opening its FIFO)
    // fails the write with EPIPE: that command is lost, as it is for a shell's `echo`.
    let writer = tokio::task::spawn_blocking(
        move || -> Result<(usize, Option<usize>, Duration, Watchdog)> {
            let mut broken = 0;
            let start = Instant::now();
            for (i, c) in cmds.iter().enumerate() {
                if !gap.is_zero() {
                    let due = start + gap * i as u32;
                    while Instant::now() < due {
                        std::hint::spin_loop();
                    }
                }
                match write_cmd(&w, &path, c) {
                    Ok(()) => {}
                    Err(e) if e.downcast_ref::<DaemonGone>().is_some() => {
                        return Ok((broken, Some(i), start.elapsed(), w))
                    }
                    Err(e)
                        if e.downcast_ref::<std::io::Error>()
                            .and_then(|e| e.raw_os_error())
                            == Some(libc::EPIPE) =>
                    {
                        broken += 1
                    }
                    Err(e) => return Err(e.context(format!("writing {c:?}"))),
                }
            }
            Ok((broken, None, start.elapsed(), w))
        },
    );
    let (broken, died_after, wrote, w) = writer.await??;
    // The end of the burst: a `get` through the same pipe is answered only after every
    // command before it was applied (commands run in order). A proxy that lost the `get`
    // too (merged into a `setf`, or died) leaves only the server's silence to go by.
    let path = pipe.path.clone();
    let got =
        tokio::task::spawn_blocking(move || round_trip(&w, &path, &format!("get {x} value\n")))
            .await?;
    let secs = match got {
        Ok(r) if r.starts_with("0 ") && died_after.is_none() => t0.elapsed(),
        _ => {
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let last = Duration::from_nanos(last.load(Ordering::Acquire));
                if t0.elapsed().saturating_sub(last) >= QUIET || Instant::now() > deadline {
                    break;
                }
            }
            // Until the last update left the server; a server that merged commands into
            // one may send none, then the writes' own duration counts.
            Duration::from_nanos(last.load(Ordering::Acquire)).max(wrote)
        }
    }
    .as_secs_f64();
    watcher.abort();
    let arrived = delivered(s, page, x).await?;
    Ok(Burst {
        arrived,
        secs,
        broken,
        died_after,
    })
}

pub async fn suite(t: &Target, dir: &Path, sz: &Sizes, res: &mut Results) -> Result<()> {
    let s = t.start(&dir.join("server")).await?;
    let out = measure(t, &s, dir, sz, res).await;
    s.stop()?;
    out
}

async fn measure(t: &Target, s: &Running, dir: &Path, sz: &Sizes, res: &mut Results) -> Result<()> {
    let pipe = Pipe::open(t, s, &dir.join("rt"), "load-rt")?;
    let path = pipe.path.clone();
    let n = sz.pipe_rt;
    let rt = tokio::task::spawn_blocking(move || -> Result<(Vec<f64>, Vec<f64>)> {
        let w = Watchdog::start();
        let r = round_trip(&w, &path, "add text id=rt value=0")?;
        ensure!(r.starts_with("0 "), "add: {r:?}");
        let (mut set, mut get) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 1..=n {
            let t = Instant::now();
            let r = round_trip(&w, &path, &format!("set rt value={i}\n"))?;
            set.push(t.elapsed().as_secs_f64() * 1000.0);
            ensure!(r == "0 \n", "set reply {r:?}");
        }
        for _ in 1..=n {
            let t = Instant::now();
            let r = round_trip(&w, &path, "get rt value\n")?;
            get.push(t.elapsed().as_secs_f64() * 1000.0);
            ensure!(r == format!("0 {n}\n"), "get reply {r:?}");
        }
        Ok((set, get))
    })
    .await?;
    pipe.stop();
    let (set_ms, get_ms) = rt?;
    res.extend(t.kind, "pipe_set_ms", &set_ms);
    res.extend(t.kind, "pipe_get_ms", &get_ms);

    let n = sz.pipe_setf;
    let b = burst(t, s, dir, "load-burst", n, Duration::ZERO).await?;
    res.add(
        t.kind,
        "pipe_setf_rate",
        b.arrived as f64 / b.secs.max(1e-9),
    );
    res.add(
        t.kind,
        "pipe_setf_delivered",
        100.0 * b.arrived as f64 / n as f64,
    );
    if b.arrived < n {
        res.notes.push(format!(
            "{}: back-to-back `setf` through the pipe: {} of {n} arrived ({} lost; {} writes failed with EPIPE{})",
            t.kind.label(),
            b.arrived,
            n - b.arrived,
            b.broken,
            b.died_after.map(|k| format!("; the proxy daemon died after {k} writes")).unwrap_or_default(),
        ));
        // The fastest pace that loses nothing: doubling gaps on shorter runs until one
        // loses nothing, two bisection steps below it, then a run twice as long to confirm.
        let trial = (n / 50).max(100);
        let mut k = 0;
        let mut lossless = |gap_us: u64, len: usize| {
            k += 1;
            let name = format!("load-pace{k}");
            async move {
                let b = burst(t, s, dir, &name, len, Duration::from_micros(gap_us)).await?;
                Ok::<_, anyhow::Error>((b.arrived == len, b))
            }
        };
        let (mut lo, mut hi) = (0u64, 25u64);
        while !lossless(hi, trial).await?.0 {
            lo = hi;
            hi *= 2;
            ensure!(hi <= 100_000, "no lossless pace found up to 100 ms");
        }
        for _ in 0..2 {
            let mid = (lo + hi) / 2;
            if mid <= lo {
                break;
            }
            if lossless(mid, trial).await?.0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        loop {
            let (ok, c) = lossless(hi, trial * 2).await?;
            if ok {
                res.add(
                    t.kind,
                    "pipe_setf_paced_rate",
                    c.arrived as f64 / c.secs.max(1e-9),
                );
                res.add(t.kind, "pipe_setf_paced_gap_us", hi as f64);
                break;
            }
            hi += hi / 2;
            ensure!(hi <= 100_000, "no lossless pace found up to 100 ms");
        }
    }
    Ok(())
}
