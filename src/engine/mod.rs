//! The command engine: a [`Command`] against a session's [`Tree`] becomes a list of
//! [`Event`]s (applied through the tree's one mutation path as they are decided, so later
//! steps see earlier ones), the reply text, and the update to send to browsers.
//!
//! Every command is atomic: if any step fails, everything it applied is rolled back, so a
//! failing command (or batch) leaves the page exactly as it was and logs nothing.

mod add;
mod props;
mod query;
mod remove;
pub mod update;

use crate::model::tree::Undo;
use crate::model::{Event, Tree};
use crate::protocol::Command;
pub use update::Update;

/// Per-session facts a command needs besides the tree.
#[derive(Debug, Clone, Default)]
pub struct ExecOpts {
    /// Maximum JSON size of the session, 0 = unlimited.
    pub size_limit: usize,
    /// `<page numeric id>:<session id>`, named in the size error as the reference does.
    pub session_label: String,
}

/// What a successful command produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub result: String,
    pub events: Vec<Event>,
    /// What browsers of the session are sent; None = nothing.
    pub update: Option<Update>,
    /// The host asked to end the session (`error` command) with this message.
    pub crash: Option<String>,
}

/// Applies events for one command and keeps what is needed to undo them.
pub(crate) struct Exec<'a> {
    pub tree: &'a mut Tree,
    pub opts: &'a ExecOpts,
    pub events: Vec<Event>,
    undo: Undo,
}

impl<'a> Exec<'a> {
    fn new(tree: &'a mut Tree, opts: &'a ExecOpts) -> Self {
        Exec {
            tree,
            opts,
            events: Vec::new(),
            undo: Undo::default(),
        }
    }

    /// Applies one decided event, enforcing the session size limit.
    pub fn apply(&mut self, ev: Event) -> Result<(), String> {
        self.tree.apply(&ev, Some(&mut self.undo))?;
        self.events.push(ev);
        let limit = self.opts.size_limit;
        if limit > 0 && self.tree.size() > limit {
            return Err(format!(
                "session {} size exceeds the maximum of {limit} bytes",
                self.opts.session_label
            ));
        }
        Ok(())
    }

    fn rollback(self) {
        self.tree.rollback(self.undo);
    }
}

/// `at=` as the reference reads it: an integer other than -1 is a position; anything else
/// (missing, -1, not a number) is "not set".
pub(crate) fn at_attr(cmd: &Command) -> Result<Option<usize>, String> {
    match cmd.attrs.get("at").map(|s| s.trim().parse::<i64>()) {
        Some(Ok(-1)) | Some(Err(_)) | None => Ok(None),
        Some(Ok(n)) if n < 0 => Err("'at' is out of range".into()),
        Some(Ok(n)) => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
    }
}

pub(crate) fn not_found(id: &str) -> String {
    format!("control with ID '{id}' not found")
}

/// Executes one command atomically.
/// Adds in one command after which the tree is compacted (see [`Tree::compact`]).
const COMPACT_AFTER_ADDS: usize = 64;

fn compact_if_grown(ex: &mut Exec) {
    let adds = ex
        .events
        .iter()
        .filter(|e| matches!(e, Event::Add { .. }))
        .count();
    if adds >= COMPACT_AFTER_ADDS {
        ex.tree.compact();
    }
}

pub fn execute(tree: &mut Tree, cmd: &Command, opts: &ExecOpts) -> Result<Outcome, String> {
    let mut ex = Exec::new(tree, opts);
    match run(&mut ex, cmd) {
        Ok((result, update, crash)) => {
            compact_if_grown(&mut ex);
            Ok(Outcome {
                result,
                events: std::mem::take(&mut ex.events),
                update,
                crash,
            })
        }
        Err(e) => {
            ex.rollback();
            Err(e)
        }
    }
}

type Step = (String, Option<Update>, Option<String>);

fn run(ex: &mut Exec, cmd: &Command) -> Result<Step, String> {
    let name = cmd.name_lower();
    let base = name
        .strip_suffix('f')
        .filter(|b| FF_BASES.contains(b))
        .unwrap_or(&name);
    let (result, update) = match base {
        "add" => add::add(ex, cmd).map(|(ids, u)| (ids, Some(u)))?,
        "replace" => add::replace(ex, cmd).map(|(ids, u)| (ids, Some(u)))?,
        "set" => (String::new(), Some(props::set(ex, cmd, false)?)),
        "append" => (String::new(), Some(props::set(ex, cmd, true)?)),
        "get" => (query::get(ex.tree, cmd)?, None),
        "clean" => (String::new(), Some(remove::clean(ex, cmd)?)),
        "remove" => (String::new(), Some(remove::remove(ex, cmd)?)),
        "canaccess" => (query::canaccess(cmd), None),
        "signout" => (String::new(), Some(Update::Signout)),
        "error" => {
            let msg = cmd
                .values
                .first()
                .map_or_else(|| DEFAULT_CRASH.to_string(), |m| m.to_string());
            return Ok((String::new(), Some(Update::Crashed(msg.clone())), Some(msg)));
        }
        // Pipe-side commands that reached the server: non-returning ones are dropped as the
        // reference does; `end` without a batch is an unknown command there.
        "begin" | "close" => (String::new(), None),
        _ => return Err(format!("unknown command: {}", cmd.name)),
    };
    Ok((result, update, None))
}

const FF_BASES: &[&str] = &["add", "replace", "set", "append", "clean", "remove"];

pub const DEFAULT_CRASH: &str =
    "There was an error while processing your request. Please refresh the page to start a new session.";

/// Result of a batch: one entry per `add`/`replace`/`get`.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub results: Vec<String>,
    pub events: Vec<Event>,
    pub updates: Vec<Update>,
}

/// Executes a batch atomically: an unknown command anywhere rejects it before anything
/// runs; an error rolls back every item (the reference kept earlier items and told no
/// browser, which left browsers out of step).
pub fn execute_batch(
    tree: &mut Tree,
    cmds: &[Command],
    opts: &ExecOpts,
) -> Result<BatchOutcome, (String, bool)> {
    if let Some(bad) = cmds
        .iter()
        .find(|c| !c.is_known() || c.name_lower() == "end")
    {
        return Err((format!("unknown command: {}", bad.name), false));
    }
    let mut ex = Exec::new(tree, opts);
    let mut out = BatchOutcome::default();
    for cmd in cmds {
        let name = cmd.name_lower();
        // Not mutations of the tree: the reference's batch skipped them too.
        if matches!(
            &*name,
            "begin" | "close" | "error" | "signout" | "canaccess"
        ) {
            continue;
        }
        match run(&mut ex, cmd) {
            Ok((result, update, _)) => {
                if matches!(&*name, "add" | "replace" | "get") {
                    out.results.push(result);
                }
                out.updates.extend(update);
            }
            Err(e) => {
                ex.rollback();
                return Err((e, true));
            }
        }
    }
    compact_if_grown(&mut ex);
    out.events = std::mem::take(&mut ex.events);
    Ok(out)
}
