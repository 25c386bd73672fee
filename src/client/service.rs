//! Serving the requests of `pglet page` / `pglet app`: registering pages on a server link and
//! making their pipes. The proxy daemon runs one for the servers it reaches over WebSocket;
//! `pglet server` runs one for its own pages (direct pipes, over an in-process link).

use super::control::{Connect, Reply, Request};
use super::link::Link;
use super::pipe::{Ctx, PipeOptions};
use super::registration::Registration;
use crate::wire;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::sync::mpsc;

/// The longest control request read (a `Connect` is well under a KiB).
const MAX_REQUEST: u64 = 1 << 20;

/// A pipe of a shared page, as kept by a server that serves pipes itself, so that it can
/// serve them again after a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipeInfo {
    pub cmd_path: PathBuf,
    pub page_name: String,
    pub session_id: String,
    pub all_events: bool,
    pub ticker_ms: Option<u64>,
}

/// Told when a pipe of a shared page opens and when it closes.
pub trait PipeHooks: Send + Sync {
    fn opened(&self, p: &PipeInfo);
    fn closed(&self, cmd_path: &std::path::Path);
}

/// What a control connection asked for, when it is the service's owner's business.
pub enum Handled {
    Done,
    Stop,
}

pub struct PipeService {
    ctx: Arc<Ctx>,
    links: tokio::sync::Mutex<HashMap<String, Arc<Link>>>,
    /// Inside the server: every page goes to this link, whatever URL the script named.
    local: Option<Arc<Link>>,
    /// Control connections open now (a running `pglet app` holds one).
    active: AtomicUsize,
    last_busy: Mutex<Instant>,
}

impl PipeService {
    pub fn new(ctx: Arc<Ctx>, local: Option<Arc<Link>>) -> Arc<PipeService> {
        Arc::new(PipeService {
            ctx,
            links: tokio::sync::Mutex::new(HashMap::new()),
            local,
            active: AtomicUsize::new(0),
            last_busy: Mutex::new(Instant::now()),
        })
    }

    /// How long nothing was served (no registration, no control connection).
    pub async fn idle_for(&self) -> Duration {
        let mut busy = self.active.load(Ordering::Acquire) > 0;
        for l in self.links.lock().await.values().chain(self.local.iter()) {
            busy |= l.registrations() > 0;
        }
        let mut last = self.last_busy.lock();
        if busy {
            *last = Instant::now();
        }
        last.elapsed()
    }

    /// Answers one control connection.
    pub async fn handle(self: Arc<Self>, stream: UnixStream) -> Handled {
        self.active.fetch_add(1, Ordering::AcqRel);
        let mut handled = Handled::Done;
        let (r, mut w) = stream.into_split();
        let mut r = BufReader::new(r);
        let mut line = String::new();
        // A request is one short JSON line; anything longer or not UTF-8 is refused.
        let read = (&mut r).take(MAX_REQUEST).read_line(&mut line).await;
        if let Err(e) = &read {
            let msg = Reply::error(format!("bad request: {e}"));
            let _ = w.write_all(msg.line().as_bytes()).await;
        }
        if read.unwrap_or(0) > 0 {
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
                    handled = Handled::Stop;
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
        handled
    }

    async fn link(&self, server: &str) -> Result<Arc<Link>, String> {
        if let Some(l) = &self.local {
            return Ok(l.clone());
        }
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
        // The pipes go where the script looks: its own TMPDIR.
        let tmp = c
            .tmp
            .as_ref()
            .map(PathBuf::from)
            .unwrap_or_else(|| self.ctx.tmp.clone());
        Registration::new(self.ctx.clone(), link, req, opts, tmp)
    }

    /// Serves a pipe again after a restart: registers its page (keeping the content) and
    /// reads its FIFO, which a script may already be writing to. A page that is gone gets
    /// its pipe closed with the reason, so the script hears of it.
    pub async fn adopt(&self, p: &PipeInfo) -> Result<(), String> {
        let link = self.link("").await?;
        let tmp = p
            .cmd_path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| self.ctx.tmp.clone());
        let c = Connect {
            name: p.page_name.clone(),
            update: true,
            all_events: p.all_events,
            ticker_ms: p.ticker_ms,
            tmp: Some(tmp.display().to_string()),
            ..Default::default()
        };
        let reg = self.registration(link.clone(), &c, false);
        let registered = link.register(&reg).await;
        let pipe = reg
            .adopt_pipe(&p.session_id, &p.cmd_path)
            .map_err(|e| format!("{}: {e}", p.cmd_path.display()))?;
        if let Err(e) = registered {
            pipe.close(super::pipe::Closed::ByServer(e));
        }
        Ok(())
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
