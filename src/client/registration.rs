//! One `registerHostClient` of the proxy (a `pglet page` or `pglet app` call): what it asked
//! the server for, the name and host id the server answered, and its pipes, one per session,
//! to which it routes the server's events.

use super::link::Link;
use super::pipe::{Closed, Ctx, Pipe, PipeOptions};
use crate::wire::{self, actions};
use parking_lot::Mutex;
use std::sync::Arc;
use tokio::sync::mpsc;

/// One `registerHostClient` of the proxy (one `pglet page` or `pglet app` call).
pub struct Registration {
    pub(super) ctx: Arc<Ctx>,
    pub link: Arc<Link>,
    req: Mutex<wire::RegisterHostClientRequest>,
    pub(super) opts: PipeOptions,
    /// Where its pipes are made: the TMPDIR of the script that asked.
    pub(super) tmp: std::path::PathBuf,
    pipes: Mutex<Vec<Arc<Pipe>>>,
    /// App pages: where the pipe of each new session is announced (`pglet app`'s stdout).
    announce: Mutex<Option<mpsc::UnboundedSender<String>>>,
}

impl Registration {
    pub fn new(
        ctx: Arc<Ctx>,
        link: Arc<Link>,
        req: wire::RegisterHostClientRequest,
        opts: PipeOptions,
        tmp: std::path::PathBuf,
    ) -> Arc<Registration> {
        Arc::new(Registration {
            ctx,
            link,
            req: Mutex::new(req),
            opts,
            tmp,
            pipes: Mutex::new(Vec::new()),
            announce: Mutex::new(None),
        })
    }

    pub fn request(&self) -> wire::RegisterHostClientRequest {
        self.req.lock().clone()
    }

    pub fn page_name(&self) -> String {
        self.req.lock().page_name.clone()
    }

    pub fn is_app(&self) -> bool {
        self.req.lock().is_app
    }

    /// Takes the server's answer: its normalised name and the host id that lets us keep the
    /// content when we register again after a reconnect.
    pub fn bind(&self, resp: &wire::RegisterHostClientResponse) {
        let mut r = self.req.lock();
        r.page_name.clone_from(&resp.page_name);
        r.host_client_id.clone_from(&resp.host_client_id);
    }

    pub fn set_announce(&self, tx: mpsc::UnboundedSender<String>) {
        *self.announce.lock() = Some(tx);
    }

    /// Creates the pipe of a session and starts serving it.
    pub fn open_pipe(self: &Arc<Self>, session_id: &str) -> std::io::Result<Arc<Pipe>> {
        let pipe = Pipe::create(self, session_id)?;
        self.serve(&pipe);
        if let Some(h) = self
            .ctx
            .hooks
            .as_ref()
            .filter(|_| !self.is_app() && !self.opts.uds)
        {
            h.opened(&pipe.info());
        }
        Ok(pipe)
    }

    /// Serves again a pipe whose FIFOs were left by an earlier run.
    pub fn adopt_pipe(
        self: &Arc<Self>,
        session_id: &str,
        cmd_path: &std::path::Path,
    ) -> std::io::Result<Arc<Pipe>> {
        let pipe = Pipe::adopt(self, session_id, cmd_path)?;
        self.serve(&pipe);
        Ok(pipe)
    }

    fn serve(&self, pipe: &Arc<Pipe>) {
        self.pipes.lock().push(pipe.clone());
        pipe.start();
    }

    pub fn event(&self, e: &wire::PageEventToHost) {
        let pipes: Vec<_> = self.pipes.lock().clone();
        for p in pipes.iter().filter(|p| p.session_id == e.session_id) {
            if e.event_target == "page" && e.event_name == "close" {
                p.close(Closed::ByServer(format!(
                    "page {} has expired or was closed by the server",
                    self.page_name()
                )));
            } else {
                p.event(e);
            }
        }
    }

    pub fn session_created(self: &Arc<Self>, session_id: &str) {
        match self.open_pipe(session_id) {
            Ok(p) => {
                if let Some(tx) = &*self.announce.lock() {
                    let _ = tx.send(p.printed_name());
                }
            }
            Err(e) => {
                tracing::error!(page = %self.page_name(), "cannot create a session pipe: {e}")
            }
        }
    }

    pub(super) fn forget(self: &Arc<Self>, pipe: &Pipe) {
        let empty = {
            let mut pipes = self.pipes.lock();
            pipes.retain(|p| !std::ptr::eq(p.as_ref(), pipe));
            pipes.is_empty()
        };
        if empty && !self.is_app() {
            self.link.remove_registration(self);
        }
    }

    /// The app's `pglet app` went away: tell the server and close every session pipe.
    pub async fn app_gone(self: &Arc<Self>) {
        self.link.remove_registration(self);
        let page = self.page_name();
        if !page.is_empty() {
            let _ = self
                .link
                .send(
                    actions::INACTIVE_APP_FROM_HOST,
                    wire::PageNamePayload { page_name: page },
                )
                .await;
        }
        let pipes: Vec<_> = self.pipes.lock().clone();
        for p in pipes {
            p.close(Closed::ByServer(
                "the application is no longer running".into(),
            ));
        }
    }
}
