//! The proxy daemon (`pglet client`, started on demand, one per `$TMPDIR`): owns the pipes of
//! every page the scripts of this user connected, and one WebSocket per server. It answers
//! requests of `pglet page` / `pglet app` on the control socket and exits after a while with
//! nothing to serve.

use super::control::{Connect, Paths, Reply, Request};
use super::link::Link;
use super::pipe::{Ctx, PipeOptions};
use super::registration::Registration;
use crate::wire;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;

struct Daemon {
    ctx: Arc<Ctx>,
    links: tokio::sync::Mutex<HashMap<String, Arc<Link>>>,
    /// Control connections open now (a running `pglet app` holds one).
    active: AtomicUsize,
    last_busy: Mutex<Instant>,
    stop: tokio::sync::Notify,
}

/// Runs the daemon until stopped or idle for `PGLET_CLIENT_IDLE_EXIT` seconds (default 600;
/// 0 = never) with no page, no session and no `pglet app` to serve.
pub fn run() -> anyhow::Result<()> {
    let paths = Paths::new();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&paths.lock)?;
    // A proxy that was asked to stop (an upgrade) may still be on its way out: give it a
    // moment. One that keeps the lock serves this TMPDIR (two commands raced to start one).
    let mut tries = 0;
    // SAFETY: flock on an fd we own.
    while unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        tries += 1;
        if tries > 100 {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let idle: u64 = std::env::var("PGLET_CLIENT_IDLE_EXIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    // One thread runs every link and every command pipe, so a command goes from its FIFO to
    // the server's socket and its reply back without waking another thread; only event
    // FIFOs (blocking until a reader comes) have threads of their own.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let res = rt.block_on(serve(&paths, idle));
    let _ = std::fs::remove_file(&paths.socket);
    let _ = std::fs::remove_file(&paths.pid);
    drop(lock);
    // Pipe threads may sit in blocking opens; the process ends them.
    rt.shutdown_timeout(Duration::from_millis(200));
    res
}

async fn serve(paths: &Paths, idle_secs: u64) -> anyhow::Result<()> {
    let _ = std::fs::remove_file(&paths.socket);
    let listener = UnixListener::bind(&paths.socket)?;
    std::fs::write(&paths.pid, format!("{}\n", std::process::id()))?;
    tracing::info!(socket = %paths.socket.display(), pid = std::process::id(), "pipe proxy ready");
    let d = Arc::new(Daemon {
        ctx: Arc::new(Ctx {
            tmp: paths.tmp.clone(),
            rt: tokio::runtime::Handle::current(),
        }),
        links: tokio::sync::Mutex::new(HashMap::new()),
        active: AtomicUsize::new(0),
        last_busy: Mutex::new(Instant::now()),
        stop: tokio::sync::Notify::new(),
    });
    let mut check = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            conn = listener.accept() => {
                if let Ok((s, _)) = conn {
                    let d = d.clone();
                    tokio::spawn(async move { d.handle(s).await });
                }
            }
            _ = d.stop.notified() => return Ok(()),
            _ = check.tick() => {
                // Our socket is gone (TMPDIR cleaned, or a newer proxy took over): nobody
                // can reach us any more.
                if !paths.socket.exists() {
                    tracing::info!("control socket removed; exiting");
                    return Ok(());
                }
                if idle_secs > 0 && d.idle_for().await > Duration::from_secs(idle_secs) {
                    tracing::info!("nothing to serve for {idle_secs} s; exiting");
                    return Ok(());
                }
            }
        }
    }
}

impl Daemon {
    async fn idle_for(&self) -> Duration {
        let mut busy = self.active.load(Ordering::Acquire) > 0;
        for l in self.links.lock().await.values() {
            busy |= l.registrations() > 0;
        }
        let mut last = self.last_busy.lock();
        if busy {
            *last = Instant::now();
        }
        last.elapsed()
    }

    async fn handle(self: Arc<Self>, stream: UnixStream) {
        self.active.fetch_add(1, Ordering::AcqRel);
        let (r, mut w) = stream.into_split();
        let mut r = BufReader::new(r);
        let mut line = String::new();
        if r.read_line(&mut line).await.unwrap_or(0) > 0 {
            match serde_json::from_str::<Request>(&line) {
                Ok(Request::Ping) => {
                    let rep = Reply {
                        version: env!("CARGO_PKG_VERSION").into(),
                        pid: Some(std::process::id()),
                        ..Default::default()
                    };
                    let _ = w.write_all(rep.line().as_bytes()).await;
                }
                Ok(Request::Stop) => {
                    let _ = w.write_all(Reply::default().line().as_bytes()).await;
                    self.stop.notify_one();
                }
                Ok(Request::Page(c)) => {
                    let rep = self.page(c).await.unwrap_or_else(Reply::error);
                    let _ = w.write_all(rep.line().as_bytes()).await;
                }
                Ok(Request::App(c)) => self.app(c, r, w).await,
                Err(e) => {
                    let _ = w
                        .write_all(Reply::error(format!("bad request: {e}")).line().as_bytes())
                        .await;
                }
            }
        }
        self.active.fetch_sub(1, Ordering::AcqRel);
    }

    async fn link(&self, server: &str) -> Result<Arc<Link>, String> {
        let mut links = self.links.lock().await;
        if let Some(l) = links.get(server) {
            return Ok(l.clone());
        }
        let l = Link::open(server).await?;
        links.insert(server.to_string(), l.clone());
        Ok(l)
    }

    fn registration(&self, link: Arc<Link>, c: &Connect, is_app: bool) -> Arc<Registration> {
        let req = wire::RegisterHostClientRequest {
            host_client_id: String::new(),
            page_name: c.name.clone(),
            is_app,
            update: c.update,
            auth_token: c.token.clone(),
            permissions: c.permissions.clone(),
            lifetime: c.lifetime.clone(),
        };
        let opts = PipeOptions {
            all_events: c.all_events,
            ticker_ms: c.ticker_ms,
            uds: c.uds,
        };
        Registration::new(self.ctx.clone(), link, req, opts)
    }

    async fn page(&self, c: Connect) -> Result<Reply, String> {
        let link = self.link(&c.server).await?;
        let reg = self.registration(link.clone(), &c, false);
        let resp = link.register(&reg).await?;
        let pipe = match reg.open_pipe(&resp.session_id) {
            Ok(p) => p,
            Err(e) => {
                link.remove_registration(&reg);
                return Err(format!("cannot create the pipes: {e}"));
            }
        };
        Ok(Reply {
            pipe: pipe.printed_name(),
            url: format!("{}/{}", c.server, resp.page_name),
            ..Default::default()
        })
    }

    /// Serves an app for as long as its `pglet app` keeps the control connection open.
    async fn app(
        &self,
        c: Connect,
        mut r: BufReader<tokio::net::unix::OwnedReadHalf>,
        mut w: tokio::net::unix::OwnedWriteHalf,
    ) {
        let link = match self.link(&c.server).await {
            Ok(l) => l,
            Err(e) => {
                let _ = w.write_all(Reply::error(e).line().as_bytes()).await;
                return;
            }
        };
        let reg = self.registration(link.clone(), &c, true);
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        reg.set_announce(tx);
        let resp = match link.register(&reg).await {
            Ok(r) => r,
            Err(e) => {
                let _ = w.write_all(Reply::error(e).line().as_bytes()).await;
                return;
            }
        };
        let first = Reply {
            url: format!("{}/{}", c.server, resp.page_name),
            ..Default::default()
        };
        if w.write_all(first.line().as_bytes()).await.is_ok() {
            let mut sink = String::new();
            loop {
                tokio::select! {
                    pipe = rx.recv() => {
                        let Some(pipe) = pipe else { break };
                        let rep = Reply { pipe, ..Default::default() };
                        if w.write_all(rep.line().as_bytes()).await.is_err() {
                            break;
                        }
                    }
                    n = r.read_line(&mut sink) => {
                        if n.unwrap_or(0) == 0 {
                            break;
                        }
                        sink.clear();
                    }
                }
            }
        }
        tracing::info!(page = %reg.page_name(), "app stopped");
        reg.app_gone().await;
    }
}
