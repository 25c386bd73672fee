//! One page session: its control tree (single owner, behind one lock per session), its
//! position in the log, and the browsers and hosts attached to it. Every mutation goes
//! engine → log append → tree (already applied by the engine) → browsers, under the lock,
//! so the log order is the order browsers see.

use super::peer::{self, Frame, Peer};
use crate::engine::{self, ExecOpts, Update};
use crate::model::control::is_system_attr;
use crate::model::{Event, SmallStr, Tree};
use crate::protocol::Command;
use crate::store::{self, Store};
use crate::wire::{self, PropsMap};
use parking_lot::Mutex;

/// Log entries after which a session's tree is snapshotted and its log prefix deleted.
pub const SNAPSHOT_EVERY: u64 = 1000;

pub struct Session {
    pub id: String,
    pub uid: u64,
    pub page_name: String,
    pub opts: ExecOpts,
    store: Store,
    inner: Mutex<Inner>,
}

pub struct Inner {
    pub tree: Tree,
    seq: u64,
    since_snapshot: u64,
    /// The ticket of the newest write to this session, from any connection: a reply in
    /// strict mode waits for it too, so what a host read (a browser's write-back, say) is
    /// on disk by the time the host hears back.
    last_ticket: u64,
    pub browsers: Vec<Peer>,
    pub hosts: Vec<Peer>,
    pub updated_ms: u64,
    pub accessed_ms: u64,
}

/// What a host command produced: the reply and, once anything was written to the session,
/// the ticket its reply waits on for durability (the session's newest write, not only
/// this command's).
pub struct Executed {
    pub reply: Result<String, String>,
    pub ticket: Option<u64>,
    pub crash: Option<String>,
}

/// Where a session starts: empty, or as recovered from the store.
pub struct Start {
    pub tree: Tree,
    pub seq: u64,
    pub since_snapshot: u64,
    pub updated_ms: u64,
}

impl Start {
    pub fn fresh(now_ms: u64) -> Start {
        Start {
            tree: Tree::new(),
            seq: 0,
            since_snapshot: 0,
            updated_ms: now_ms,
        }
    }
}

/// A batch's result: the results, or the error and whether anything ran.
pub type BatchReply = Result<Vec<String>, (String, bool)>;

impl Session {
    pub fn new(
        id: String,
        uid: u64,
        page_name: String,
        opts: ExecOpts,
        store: Store,
        start: Start,
    ) -> Session {
        let Start {
            tree,
            seq,
            since_snapshot: since,
            updated_ms,
        } = start;
        Session {
            id,
            uid,
            page_name,
            opts,
            store,
            inner: Mutex::new(Inner {
                tree,
                seq,
                since_snapshot: since,
                last_ticket: 0,
                browsers: Vec::new(),
                hosts: Vec::new(),
                updated_ms,
                accessed_ms: updated_ms,
            }),
        }
    }

    pub fn lock(&self) -> parking_lot::MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// Appends events to the log; snapshots when the log grew long enough.
    fn commit(&self, inner: &mut Inner, events: &[Event]) -> Result<Option<u64>, String> {
        if events.is_empty() {
            return Ok(None);
        }
        inner.seq += 1;
        inner.updated_ms = store::now_ms();
        let mut ticket = self
            .store
            .append(self.uid, inner.seq, events)
            .map_err(|e| {
                tracing::error!(page = %self.page_name, "log append failed: {e}");
                e.to_string()
            })?;
        inner.since_snapshot += 1;
        if inner.since_snapshot >= SNAPSHOT_EVERY {
            match self.store.snapshot(self.uid, inner.seq, &inner.tree) {
                Ok(t) => {
                    ticket = t;
                    inner.since_snapshot = 0;
                }
                Err(e) => tracing::error!(page = %self.page_name, "snapshot failed: {e}"),
            }
        }
        inner.last_ticket = inner.last_ticket.max(ticket);
        Ok(Some(ticket))
    }

    /// What a reply to a command that ran on this session waits for in strict mode.
    fn wait_for(inner: &Inner) -> Option<u64> {
        (inner.last_ticket > 0).then_some(inner.last_ticket)
    }

    fn broadcast(inner: &Inner, update: &Update, events: &[Event]) {
        if inner.browsers.is_empty() {
            return;
        }
        let frame = Frame::from(update.to_frame(events));
        peer::fan_out(&inner.browsers, &frame);
    }

    /// Runs one host command.
    pub fn execute(&self, cmd: &Command) -> Executed {
        let mut inner = self.inner.lock();
        match engine::execute(&mut inner.tree, cmd, &self.opts) {
            Ok(out) => {
                if let Err(e) = self.commit(&mut inner, &out.events) {
                    return Executed {
                        reply: Err(e),
                        ticket: None,
                        crash: None,
                    };
                }
                if let Some(u) = &out.update {
                    Self::broadcast(&inner, u, &out.events);
                }
                Executed {
                    reply: Ok(out.result),
                    ticket: Self::wait_for(&inner),
                    crash: out.crash,
                }
            }
            Err(e) => Executed {
                reply: Err(e),
                ticket: None,
                crash: None,
            },
        }
    }

    /// Runs a batch; `Err((msg, ran))`: `ran` false when rejected before running.
    pub fn execute_batch(&self, cmds: &[Command]) -> (BatchReply, Option<u64>) {
        let mut inner = self.inner.lock();
        match engine::execute_batch(&mut inner.tree, cmds, &self.opts) {
            Ok(out) => {
                if let Err(e) = self.commit(&mut inner, &out.events) {
                    return (Err((e, true)), None);
                }
                if let Some(u) = Update::combine(out.updates) {
                    Self::broadcast(&inner, &u, &out.events);
                }
                (Ok(out.results), Self::wait_for(&inner))
            }
            Err(e) => (Err(e), None),
        }
    }

    /// A browser changed props (typing, selecting...): stored, relayed to the session's
    /// other browsers, and reported to hosts as `page change <json>`.
    pub fn browser_write(&self, from_conn: u64, props: &[PropsMap]) -> Option<u64> {
        let mut inner = self.inner.lock();
        let mut events = Vec::new();
        for map in props {
            let Some(id) = map.get("i").and_then(|v| v.as_str()) else {
                continue;
            };
            if !inner.tree.contains(id) {
                continue;
            }
            let set: Vec<(SmallStr, SmallStr)> = map
                .iter()
                .filter(|(k, _)| !is_system_attr(&k.to_lowercase()))
                .map(|(k, v)| (k.to_lowercase().into(), json_text(v).into()))
                .collect();
            if set.is_empty() {
                continue;
            }
            let ev = Event::SetProps {
                id: id.into(),
                props: set,
            };
            if inner.tree.apply(&ev, None).is_ok() {
                events.push(ev);
            }
        }
        let ticket = self.commit(&mut inner, &events).ok().flatten();
        let data = serde_json::to_string(props).unwrap_or_default();
        self.to_hosts(&inner, "page", "change", &data);
        let frame: Frame = wire::Message::push(
            wire::actions::UPDATE_CONTROL_PROPS,
            wire::PropsPayload {
                props: props.to_vec(),
            },
        )
        .to_json()
        .into();
        peer::fan_out(
            inner.browsers.iter().filter(|b| b.conn_id != from_conn),
            &frame,
        );
        inner.accessed_ms = store::now_ms();
        ticket
    }

    /// Sends an event line to every host of the session.
    pub fn to_hosts(&self, inner: &Inner, target: &str, name: &str, data: &str) {
        if inner.hosts.is_empty() {
            return;
        }
        let frame: Frame = wire::Message::push(
            wire::actions::PAGE_EVENT_TO_HOST,
            wire::PageEventToHost {
                page_name: self.page_name.clone(),
                session_id: self.id.clone(),
                event_target: target.into(),
                event_name: name.into(),
                event_data: data.into(),
            },
        )
        .to_json()
        .into();
        peer::fan_out(&inner.hosts, &frame);
    }

    /// The `controls` object of a full state: every control by id.
    pub fn controls_json(inner: &Inner) -> String {
        let mut out = String::with_capacity(inner.tree.size() + 16);
        out.push('{');
        for (n, c) in inner.tree.controls().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(&c.i).unwrap_or_default());
            out.push(':');
            out.push_str(&serde_json::to_string(&c.json()).unwrap_or_default());
        }
        out.push('}');
        out
    }

    /// Sends every browser `frame` (session-level messages such as appBecomeInactive).
    pub fn to_browsers(&self, frame: &str) {
        let inner = self.inner.lock();
        peer::fan_out(&inner.browsers, &frame.into());
    }
}

/// Browser values are strings in practice; anything else is stored as its JSON text.
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
