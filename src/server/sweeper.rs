//! Expiry of pages and sessions by their documented lifetimes.
//!
//! Deadlines move with every update, so instead of re-indexing on the hot path the sweeper
//! keeps a min-heap of *candidate* deadlines: each tick pops only the entries that are due,
//! recomputes the real deadline from the page's current state, and either expires it or
//! pushes it back. A tick with nothing due costs one heap peek, however many pages exist.

use super::state::{Page, State, SHARED_SESSION};
use crate::wire::{self, Message};
use parking_lot::Mutex;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Lifetimes {
    /// None = never.
    pub page: Option<Duration>,
    pub app: Option<Duration>,
    pub session: Option<Duration>,
    /// Bound on a host-requested lifetime; None = unbounded.
    pub max: Option<Duration>,
}

fn never_if_zero(d: Duration) -> Option<Duration> {
    (!d.is_zero()).then_some(d)
}

impl Lifetimes {
    pub fn new(page: Duration, app: Duration, session: Duration, max: Duration) -> Self {
        Lifetimes {
            page: never_if_zero(page),
            app: never_if_zero(app),
            session: never_if_zero(session),
            max: never_if_zero(max),
        }
    }

    /// A shared page's lifetime: the host's request (bounded by `max`), else the default.
    pub fn for_page(&self, requested_secs: Option<u64>) -> Option<Duration> {
        match requested_secs {
            None => self.page,
            Some(0) => self.max,
            Some(s) => Some(
                self.max
                    .map_or(Duration::from_secs(s), |m| m.min(Duration::from_secs(s))),
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Page(String),
    Session(String, String),
}

#[derive(Default)]
pub struct Sweeper {
    heap: Mutex<BinaryHeap<Reverse<(u64, Key)>>>,
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

pub const EXPIRED_MESSAGE: &str = "This page has expired.";

impl Sweeper {
    pub fn watch_page(&self, name: &str, due_ms: u64) {
        self.heap
            .lock()
            .push(Reverse((due_ms, Key::Page(name.to_string()))));
    }

    pub fn watch_session(&self, page: &str, id: &str, due_ms: u64) {
        self.heap.lock().push(Reverse((
            due_ms,
            Key::Session(page.to_string(), id.to_string()),
        )));
    }

    pub fn len(&self) -> usize {
        self.heap.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn pop_due(&self, now: u64) -> Option<Key> {
        let mut heap = self.heap.lock();
        match heap.peek() {
            Some(Reverse((due, _))) if *due <= now => heap.pop().map(|Reverse((_, k))| k),
            _ => None,
        }
    }

    /// One pass: expires everything whose deadline has passed. Returns how many expired.
    pub fn tick(&self, state: &State, now: u64) -> usize {
        let mut expired = 0;
        while let Some(key) = self.pop_due(now) {
            let next = match &key {
                Key::Page(name) => state.page(name).and_then(|p| page_deadline(state, &p, now)),
                Key::Session(page, id) => state
                    .page(page)
                    .and_then(|p| p.session(id).map(|s| (p, s)))
                    .and_then(|(_, s)| session_deadline(state, &s, now)),
            };
            match next {
                Some(due) if due > now => self.heap.lock().push(Reverse((due, key))),
                Some(_) => {
                    expired += 1;
                    match key {
                        Key::Page(name) => expire_page(state, &name),
                        Key::Session(page, id) => expire_session(state, &page, &id),
                    }
                }
                None => {} // gone already, or lives forever
            }
        }
        expired
    }
}

/// When a page expires, or None if it never does (or no longer exists).
pub fn page_deadline(state: &State, page: &Page, now: u64) -> Option<u64> {
    let lt = &state.lifetimes;
    let meta = page.meta.lock().clone();
    if meta.is_app {
        let life = lt.app?;
        if !page.hosts.lock().is_empty() {
            return Some(now + ms(life)); // kept while a host serves it
        }
        let last = page
            .sessions
            .lock()
            .values()
            .map(|s| s.lock().updated_ms)
            .max()
            .unwrap_or(meta.created_ms);
        return Some(last.max(meta.created_ms) + ms(life));
    }
    let life = lt.for_page(meta.lifetime_secs)?;
    let updated = page
        .session(SHARED_SESSION)
        .map(|s| s.lock().updated_ms)
        .unwrap_or(meta.created_ms);
    Some(updated + ms(life))
}

fn session_deadline(state: &State, s: &super::session::Session, now: u64) -> Option<u64> {
    let life = state.lifetimes.session?;
    let inner = s.lock();
    let last = if inner.browsers.is_empty() {
        inner.updated_ms.max(inner.accessed_ms)
    } else {
        now
    };
    Some(last + ms(life))
}

fn tell_expired(state: &State, session: &super::session::Session) {
    let inner = session.lock();
    session.to_hosts(&inner, "page", "close", "");
    let frame: super::peer::Frame = Message::push(
        wire::actions::PAGE_EXPIRED,
        wire::MessagePayload {
            message: EXPIRED_MESSAGE.into(),
        },
    )
    .to_json()
    .into();
    super::peer::fan_out(&inner.browsers, &frame);
    let _ = state;
}

pub fn expire_page(state: &State, name: &str) {
    let Some(page) = state.delete_page(name) else {
        return;
    };
    tracing::info!(page = %name, "page expired");
    state.remember_expired(name);
    let sessions: Vec<_> = page.sessions.lock().values().cloned().collect();
    for s in sessions {
        tell_expired(state, &s);
    }
}

fn expire_session(state: &State, page: &str, id: &str) {
    let Some(p) = state.page(page) else { return };
    if let Some(s) = state.delete_session(&p, id) {
        tracing::info!(page = %page, session = %id, "app session expired");
        tell_expired(state, &s);
    }
}

/// Runs ticks forever at `interval` (the first one at once, for pages that expired while
/// the server was down).
pub async fn run(state: Arc<State>, interval: Duration) {
    let mut timer = tokio::time::interval(interval.max(Duration::from_millis(50)));
    loop {
        timer.tick().await;
        // Store deletes block; keep them off the workers that serve connections.
        let st = state.clone();
        let swept = tokio::task::spawn_blocking(move || {
            let now = crate::store::now_ms();
            let n = st.sweeper.tick(&st, now);
            st.forget_old_expired(now);
            st.quotas.forget_old(now);
            n
        })
        .await;
        match swept {
            Ok(n) if n > 0 => tracing::info!(expired = n, "sweep"),
            Ok(_) => {}
            Err(e) => tracing::error!("sweeper tick failed: {e}"),
        }
    }
}
