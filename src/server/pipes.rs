//! Direct pipes: the server serves the FIFOs of scripts on this machine itself. `pglet page`
//! finds the control socket through `GET /api/pipes` (loopback only) and, when the server
//! runs as the same user, asks it instead of the proxy daemon: a command then goes from its
//! FIFO into the page's session with no proxy process and no WebSocket in between, which
//! halves a round trip. Pipes of shared pages are kept in the store, so a restarted server
//! reads the same FIFOs again and a script that is writing to one simply waits.

use super::conn::Conn;
use super::peer::{Frame, Out};
use super::state::State;
use crate::client::link::{Link, LocalServer};
use crate::client::pipe::Ctx;
use crate::client::service::{PipeHooks, PipeInfo, PipeService};
use crate::store::PipeRecord;
use parking_lot::Mutex;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedReceiver;

/// The server as a host connection sees it, without a socket.
struct Direct {
    state: Arc<State>,
    conn: Arc<Conn>,
    frames: Mutex<UnboundedReceiver<Frame>>,
}

impl LocalServer for Direct {
    fn dispatch(&self, frame: &str) {
        super::ws::dispatch(&self.state, &self.conn, frame);
    }

    fn drain(&self, each: &mut dyn FnMut(&str)) {
        while let Ok(f) = self.frames.lock().try_recv() {
            each(f.payload_text());
        }
    }
}

/// Keeps the pipe records in the store.
struct Kept(Arc<State>);

impl PipeHooks for Kept {
    fn opened(&self, p: &PipeInfo) {
        let rec = PipeRecord {
            cmd_path: p.cmd_path.display().to_string(),
            page_name: p.page_name.clone(),
            session_id: p.session_id.clone(),
            all_events: p.all_events,
            ticker_ms: p.ticker_ms,
        };
        if let Err(e) = self.0.store.put_pipe(&rec) {
            tracing::error!("keeping a pipe: {e}");
        }
    }

    fn closed(&self, cmd_path: &Path) {
        if let Err(e) = self.0.store.delete_pipe(&cmd_path.display().to_string()) {
            tracing::error!("forgetting a pipe: {e}");
        }
    }
}

fn is_fifo(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.file_type().is_fifo())
}

/// Starts the service: binds `<data dir>/pipes.sock`, serves the pipes kept from the last
/// run, and returns the socket's path (None when it cannot be bound; scripts then use the
/// proxy daemon).
pub async fn start(state: Arc<State>, dir: &Path, url: String) -> Option<PathBuf> {
    let socket = dir.join("pipes.sock");
    let _ = std::fs::remove_file(&socket);
    let listener = match tokio::net::UnixListener::bind(&socket) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(path = %socket.display(), "direct pipes off: {e}");
            return None;
        }
    };
    let id = state.next_conn.fetch_add(1, Ordering::Relaxed) + 1;
    let (tx, frames) = tokio::sync::mpsc::unbounded_channel();
    let (conn, mut replies) = Conn::new(
        id,
        "127.0.0.1".into(),
        true,
        state.settings.strict,
        Out::Queue(tx),
    );
    let direct = Arc::new(Direct {
        state: state.clone(),
        conn,
        frames: Mutex::new(frames),
    });
    let link = Link::local(&url, direct.clone());
    // Frames nobody waited for in the call that caused them: events, and in strict mode the
    // replies that waited for the disk.
    {
        let (direct, link, st) = (direct.clone(), link.clone(), state.clone());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    f = std::future::poll_fn(|cx| direct.frames.lock().poll_recv(cx)) => {
                        let Some(f) = f else { return };
                        link.inbound(f.payload_text());
                        direct.drain(&mut |f| link.inbound(f));
                    }
                    r = replies.recv() => {
                        let Some((ticket, f)) = r else { return };
                        if let Some(t) = ticket {
                            st.store.durable(t).await;
                        }
                        link.inbound(f.payload_text());
                    }
                }
            }
        });
    }
    let ctx = Arc::new(Ctx {
        tmp: std::env::temp_dir(),
        rt: tokio::runtime::Handle::current(),
        hooks: Some(Arc::new(Kept(state.clone()))),
    });
    let service = PipeService::new(ctx, Some(link));
    adopt_kept(&state, &service).await;
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            if !crate::client::launch::same_user(&s) {
                tracing::warn!("direct pipes: refused a connection from another user");
                continue;
            }
            let service = service.clone();
            // A script cannot stop the server: a Stop request is just answered.
            tokio::spawn(async move { service.handle(s).await });
        }
    });
    tracing::info!(socket = %socket.display(), "direct pipes ready");
    Some(socket)
}

async fn adopt_kept(state: &State, service: &PipeService) {
    let kept = match state.store.pipes() {
        Ok(k) => k,
        Err(e) => {
            tracing::error!("reading kept pipes: {e}");
            return;
        }
    };
    for rec in kept {
        let path = PathBuf::from(&rec.cmd_path);
        if !is_fifo(&path) {
            let _ = state.store.delete_pipe(&rec.cmd_path);
            continue;
        }
        let info = PipeInfo {
            cmd_path: path,
            page_name: rec.page_name.clone(),
            session_id: rec.session_id.clone(),
            all_events: rec.all_events,
            ticker_ms: rec.ticker_ms,
        };
        match service.adopt(&info).await {
            Ok(()) => {
                tracing::info!(pipe = %rec.cmd_path, page = %rec.page_name, "serving a kept pipe again")
            }
            Err(e) => {
                tracing::warn!(pipe = %rec.cmd_path, "kept pipe dropped: {e}");
                let _ = state.store.delete_pipe(&rec.cmd_path);
            }
        }
    }
}
