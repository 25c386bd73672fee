//! One pipe (a command FIFO and its `.events` FIFO, serving one session of a page): the
//! command loop of the reference's pipe client (spec 3.5: parse, `begin`/`end` batching,
//! `close`, `error`, returning vs fire-and-forget), the event writer, and how a pipe ends.

use super::cmdfifo::CommandFifo;
use super::events::EventQueue;
use super::fifo::{self, Stop};
use super::link::Link;
use super::registration::Registration;
use super::service::PipeHooks;
use crate::protocol::{self, reply, Command};
use crate::wire::{self, actions};
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::watch;

/// How long a pipe the server closed (expired page, inactive app) stays, answering commands
/// with the reason, so that a script sees a clear error instead of a vanished file.
const SERVER_CLOSE_GRACE: Duration = Duration::from_secs(60);
/// How long the event pipe of a pipe closed by its script waits for `page close ` to be read.
const LOCAL_CLOSE_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Default)]
pub struct PipeOptions {
    pub all_events: bool,
    pub ticker_ms: Option<u64>,
    pub uds: bool,
}

/// What the pipes of a service share: where pipes go by default, the runtime that runs the
/// links, and who is told of pipes opening and closing (a server keeping its pipes).
pub struct Ctx {
    pub tmp: PathBuf,
    pub rt: Handle,
    pub hooks: Option<Arc<dyn PipeHooks>>,
}

/// Where the replies of a pipe go: its command FIFO, or a `--uds` connection.
pub(crate) trait Answer {
    /// Delivers one reply; false once the pipe is stopping.
    async fn answer(&mut self, text: &str) -> bool;
}

impl Answer for CommandFifo {
    async fn answer(&mut self, text: &str) -> bool {
        match self.reply(text.as_bytes()).await {
            Ok(going) => going,
            Err(e) => {
                tracing::warn!("reply not delivered: {e}");
                true
            }
        }
    }
}

/// Why a pipe closes.
pub enum Closed {
    /// `close` or `error` from the script: the command pipe goes at once.
    ByScript,
    /// The server ended the session: the pipe answers with this reason for a while.
    ByServer(String),
}

/// One command pipe + event pipe pair, serving one session of a page.
pub struct Pipe {
    /// `pglet_pipe_<10 chars>`.
    pub name: String,
    pub cmd_path: PathBuf,
    pub ev_path: PathBuf,
    pub session_id: String,
    reg: Weak<Registration>,
    link: Arc<Link>,
    opts: PipeOptions,
    rt: Handle,
    hooks: Option<Arc<dyn PipeHooks>>,
    pub events: EventQueue,
    pub stop_cmd: Arc<Stop>,
    /// The command side's stop as the runtime sees it.
    cmd_stopped: Arc<watch::Sender<bool>>,
    pub stop_ev: Arc<Stop>,
    closed: AtomicBool,
    /// Set when the server closed the session: commands get this as their error.
    gone: Mutex<Option<String>>,
}

fn random_suffix() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// What one command asks of the pipe.
pub enum Outcome {
    Reply(String),
    NoReply,
    Close,
}

impl Pipe {
    pub(super) fn create(reg: &Arc<Registration>, session_id: &str) -> std::io::Result<Arc<Pipe>> {
        let tmp = &reg.tmp;
        let (name, cmd_path) = loop {
            let name = format!("pglet_pipe_{}", random_suffix());
            let path = if reg.opts.uds {
                tmp.join(format!("CoreFxPipe_{name}"))
            } else {
                tmp.join(&name)
            };
            if !path.exists() {
                break (name, path);
            }
        };
        let ev_path = events_path(&cmd_path);
        if !reg.opts.uds {
            fifo::mkfifo(&cmd_path)?;
            if let Err(e) = fifo::mkfifo(&ev_path) {
                let _ = std::fs::remove_file(&cmd_path);
                return Err(e);
            }
        }
        Self::build(reg, session_id, name, cmd_path, ev_path)
    }

    /// A pipe whose FIFOs exist already (served before a restart).
    pub(super) fn adopt(
        reg: &Arc<Registration>,
        session_id: &str,
        cmd_path: &Path,
    ) -> std::io::Result<Arc<Pipe>> {
        let name = cmd_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ev_path = events_path(cmd_path);
        if !ev_path.exists() {
            fifo::mkfifo(&ev_path)?;
        }
        Self::build(reg, session_id, name, cmd_path.to_path_buf(), ev_path)
    }

    fn build(
        reg: &Arc<Registration>,
        session_id: &str,
        name: String,
        cmd_path: PathBuf,
        ev_path: PathBuf,
    ) -> std::io::Result<Arc<Pipe>> {
        Ok(Arc::new(Pipe {
            name,
            cmd_path,
            ev_path,
            session_id: session_id.to_string(),
            reg: Arc::downgrade(reg),
            link: reg.link.clone(),
            opts: reg.opts.clone(),
            rt: reg.ctx.rt.clone(),
            hooks: reg.ctx.hooks.clone(),
            events: EventQueue::new(),
            stop_cmd: Stop::new()?,
            cmd_stopped: Arc::new(watch::channel(false).0),
            stop_ev: Stop::new()?,
            closed: AtomicBool::new(false),
            gone: Mutex::new(None),
        }))
    }

    /// What a server keeping its pipes stores of this one.
    pub fn info(&self) -> super::service::PipeInfo {
        super::service::PipeInfo {
            cmd_path: self.cmd_path.clone(),
            page_name: self.page_name(),
            session_id: self.session_id.clone(),
            all_events: self.opts.all_events,
            ticker_ms: self.opts.ticker_ms,
        }
    }

    /// What `pglet page`/`pglet app` print: the FIFO path, or the bare name with `--uds`.
    pub fn printed_name(&self) -> String {
        if self.opts.uds {
            self.name.clone()
        } else {
            self.cmd_path.display().to_string()
        }
    }

    pub(super) fn start(self: &Arc<Self>) {
        if self.opts.uds {
            super::uds::start(self.clone());
        } else {
            self.rt.spawn(self.clone().command_task());
            let p = self.clone();
            spawn_thread("pipe-events", move || p.event_loop());
        }
        if let Some(ms) = self.opts.ticker_ms.filter(|ms| *ms > 0) {
            let p = Arc::downgrade(self);
            self.rt.spawn(async move {
                let mut iv = tokio::time::interval(Duration::from_millis(ms));
                iv.tick().await;
                loop {
                    iv.tick().await;
                    match p.upgrade() {
                        Some(p) if !p.closed.load(Ordering::Acquire) => p.events.push_tick(),
                        _ => return,
                    }
                }
            });
        }
    }

    /// Runs a future to completion from a thread of its own (the `--uds` connections).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    pub(super) fn event(&self, e: &wire::PageEventToHost) {
        if !self.opts.all_events && e.event_target == "page" && e.event_name == "change" {
            return;
        }
        self.events.push(e.pipe_line());
    }

    fn page_name(&self) -> String {
        self.reg
            .upgrade()
            .map(|r| r.page_name())
            .unwrap_or_default()
    }

    /// Runs one command (spec 3.5; the names `close`, `begin`, `end`, `error` are matched
    /// case-sensitively, as the reference's pipe client does).
    pub async fn execute(&self, text: &str, batch: &mut Option<Vec<Command>>) -> Outcome {
        let cmd = match protocol::parse(text) {
            Ok(c) => c,
            // The host of a fire-and-forget command does not read: a reply would be in the
            // way of its next command. The error goes to the log instead.
            Err(e) if looks_fire_and_forget(text) => {
                tracing::warn!(pipe = %self.name, command = %text, "ignored: {e}");
                return Outcome::NoReply;
            }
            Err(e) => return Outcome::Reply(reply::error(&e)),
        };
        if let Some(reason) = self.gone.lock().clone() {
            return if cmd.returns_result() || cmd.name == "begin" || cmd.name == "end" {
                Outcome::Reply(reply::error(&reason))
            } else {
                Outcome::NoReply
            };
        }
        match cmd.name.as_str() {
            "close" => return Outcome::Close,
            "begin" => {
                *batch = Some(Vec::new());
                return ok_reply("");
            }
            _ => {}
        }
        if let Some(b) = batch.as_mut() {
            if cmd.name != "end" {
                b.push(cmd);
                return ok_reply("");
            }
        }
        if cmd.name == "end" {
            if let Some(cmds) = batch.take() {
                return self.run_batch(cmds).await;
            }
        }
        let is_error = cmd.name == "error";
        let payload = wire::PageCommandRequest {
            page_name: self.page_name(),
            session_id: self.session_id.clone(),
            command: cmd,
        };
        if payload.command.returns_result() {
            let text = match self
                .link
                .request(actions::PAGE_COMMAND_FROM_HOST, payload)
                .await
            {
                Ok(v) => match serde_json::from_value::<wire::PageCommandResponse>(v) {
                    Ok(r) if r.error.is_empty() => reply::ok(&r.result),
                    Ok(r) => reply::error(&r.error),
                    Err(e) => reply::error(&format!("bad reply from the server: {e}")),
                },
                Err(e) => reply::error(&e),
            };
            return Outcome::Reply(text);
        }
        if let Err(e) = self
            .link
            .send(actions::PAGE_COMMAND_FROM_HOST, payload)
            .await
        {
            tracing::warn!("dropped a command: {e}");
        }
        if is_error {
            // The server ends the session when it reads `error`; a round trip behind it on the
            // same connection means the script's `page close` is only seen once that is true.
            let barrier = wire::PageCommandRequest {
                page_name: self.page_name(),
                session_id: self.session_id.clone(),
                command: Command {
                    name: "get".into(),
                    values: vec!["page".into(), "id".into()],
                    ..Command::default()
                },
            };
            let _ = self
                .link
                .request(actions::PAGE_COMMAND_FROM_HOST, barrier)
                .await;
            Outcome::Close
        } else {
            Outcome::NoReply
        }
    }

    async fn run_batch(&self, commands: Vec<Command>) -> Outcome {
        let payload = wire::PageCommandsBatchRequest {
            page_name: self.page_name(),
            session_id: self.session_id.clone(),
            commands,
        };
        let text = match self
            .link
            .request(actions::PAGE_COMMANDS_BATCH_FROM_HOST, payload)
            .await
        {
            Ok(v) => match serde_json::from_value::<wire::PageCommandsBatchResponse>(v) {
                Ok(r) if r.error.is_empty() => reply::ok(&r.results.unwrap_or_default().join("\n")),
                Ok(r) => reply::error(&r.error),
                Err(e) => reply::error(&format!("bad reply from the server: {e}")),
            },
            Err(e) => reply::error(&e),
        };
        Outcome::Reply(text)
    }

    /// Runs every command of one read (several when writes merged), in order; replies go
    /// to `out`. Returns false once the pipe is to close.
    pub(crate) async fn run_text(
        &self,
        bytes: &[u8],
        batch: &mut Option<Vec<Command>>,
        out: &mut impl Answer,
    ) -> bool {
        let text = String::from_utf8_lossy(bytes);
        let pieces = protocol::split_commands(&text);
        if pieces.is_empty() {
            // The reference's daemon crashed on blank input; we answer it.
            return out.answer(&reply::error("empty command")).await;
        }
        for piece in pieces {
            match self.execute(&piece, batch).await {
                Outcome::Reply(text) => {
                    if !out.answer(&text).await {
                        return false;
                    }
                }
                Outcome::NoReply => {}
                Outcome::Close => {
                    self.close(Closed::ByScript);
                    return false;
                }
            }
        }
        true
    }

    /// Serves the command FIFO on the runtime until the pipe closes.
    async fn command_task(self: Arc<Self>) {
        let mut fifo = CommandFifo::new(
            &self.cmd_path,
            self.stop_cmd.clone(),
            self.cmd_stopped.subscribe(),
        );
        let mut batch = None;
        loop {
            let bytes = match fifo.next().await {
                Ok(Some(b)) => b,
                Ok(None) => return,
                Err(e) => {
                    tracing::error!(pipe = %self.name, "command pipe: {e}");
                    self.close(Closed::ByScript);
                    return;
                }
            };
            if !self.run_text(&bytes, &mut batch, &mut fifo).await {
                return;
            }
        }
    }

    /// Stops the command side (its task and any blocking open of it).
    fn stop_commands(&self) {
        self.stop_cmd.set(&[&self.cmd_path]);
        let _ = self.cmd_stopped.send(true);
    }

    fn event_loop(self: Arc<Self>) {
        let mut w = fifo::EventWriter::new(&self.ev_path);
        while let Some(line) = self.events.front(&self.stop_ev) {
            let mut text = line.into_bytes();
            text.push(b'\n');
            match w.write(&text, &self.stop_ev) {
                Ok(true) => self.events.pop(),
                Ok(false) => break,
                Err(e) => {
                    tracing::error!(pipe = %self.name, "event pipe: {e}");
                    break;
                }
            }
        }
        // After `page close `: a reader still gets what is in the pipe, then end of file.
        w.finish(&self.stop_ev, LOCAL_CLOSE_GRACE);
        let _ = std::fs::remove_file(&self.ev_path);
    }

    /// Ends the pipe: `page close ` goes to the event pipe, the files go once it was read (or
    /// after a grace period), the registration forgets the pipe.
    pub fn close(&self, why: Closed) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::debug!(pipe = %self.name, by_script = matches!(why, Closed::ByScript), "pipe closes");
        // The command FIFO of a pipe the script closed is gone before `page close ` can be
        // read, so a script that saw the event never finds it.
        let grace = match why {
            Closed::ByScript => {
                self.stop_commands();
                let _ = std::fs::remove_file(&self.cmd_path);
                LOCAL_CLOSE_GRACE
            }
            Closed::ByServer(reason) => {
                *self.gone.lock() = Some(reason);
                SERVER_CLOSE_GRACE
            }
        };
        self.events.push("page close ".into());
        self.events.finish();
        if let Some(reg) = self.reg.upgrade() {
            reg.forget(self);
        }
        if let Some(h) = &self.hooks {
            h.closed(&self.cmd_path);
        }
        let (cmd, ev) = (self.cmd_path.clone(), self.ev_path.clone());
        let (stop_cmd, stop_ev) = (self.stop_cmd.clone(), self.stop_ev.clone());
        let cmd_stopped = self.cmd_stopped.clone();
        self.rt.spawn(async move {
            tokio::time::sleep(grace).await;
            stop_cmd.set(&[&cmd]);
            let _ = cmd_stopped.send(true);
            stop_ev.set(&[&ev]);
            remove_quietly(&cmd);
            remove_quietly(&ev);
        });
    }
}

fn events_path(cmd_path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.events", cmd_path.display()))
}

fn remove_quietly(p: &Path) {
    let _ = std::fs::remove_file(p);
}

fn ok_reply(result: &str) -> Outcome {
    Outcome::Reply(reply::ok(result))
}

/// Whether text that did not parse starts like a command the host will not read a reply for.
fn looks_fire_and_forget(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let probe = Command {
        name: first.into(),
        ..Default::default()
    };
    probe.is_known() && !probe.returns_result()
}

pub fn spawn_thread(name: &str, f: impl FnOnce() + Send + 'static) {
    if let Err(e) = std::thread::Builder::new()
        .name(name.into())
        .stack_size(256 * 1024)
        .spawn(f)
    {
        tracing::error!("cannot start a pipe thread: {e}");
    }
}
