//! Server-wide state: the pages by name (one read-mostly lock, taken only to find a page),
//! the store, settings and the token sealer. A page holds its sessions and, for apps, the
//! pool of hosts serving it.

use super::peer::Peer;
use super::quota::Quotas;
use super::session::{Session, Start};
use super::sweeper::{Lifetimes, Sweeper};
use super::token::Sealer;
use crate::engine::ExecOpts;
use crate::store::{self, PageMeta, SessionMeta, Store};
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Settings the request handlers need (resolved from flags and environment).
#[derive(Debug, Clone)]
pub struct Settings {
    pub strict: bool,
    pub reserved_accounts: Vec<String>,
    pub reserved_pages: Vec<String>,
    pub check_page_ip: bool,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub ws_max_message_size: usize,
    pub session_size_limit: usize,
    pub allow_remote_hosts: bool,
    pub host_auth_token: Option<String>,
}

pub struct Page {
    pub name: String,
    pub meta: Mutex<PageMeta>,
    pub sessions: Mutex<HashMap<String, Arc<Session>>>,
    /// Hosts serving an app page; new sessions go to the first.
    pub hosts: Mutex<Vec<Peer>>,
}

impl Page {
    pub fn is_app(&self) -> bool {
        self.meta.lock().is_app
    }

    pub fn session(&self, id: &str) -> Option<Arc<Session>> {
        self.sessions.lock().get(id).cloned()
    }
}

pub struct State {
    pub pages: RwLock<HashMap<String, Arc<Page>>>,
    pub store: Store,
    pub settings: Settings,
    pub sealer: Sealer,
    pub next_conn: AtomicU64,
    pub lifetimes: Lifetimes,
    pub sweeper: Sweeper,
    pub quotas: Quotas,
    /// Recently expired page names, so their hosts get a clear error instead of "not found".
    expired: Mutex<HashMap<String, u64>>,
}

/// How long an expired page's name is remembered for the error message.
const EXPIRED_MEMORY_MS: u64 = 24 * 3_600_000;

pub const SHARED_SESSION: &str = "0";

impl State {
    pub fn new(
        store: Store,
        settings: Settings,
        sealer: Sealer,
        lifetimes: Lifetimes,
        quotas: Quotas,
    ) -> State {
        State {
            pages: Default::default(),
            store,
            settings,
            sealer,
            next_conn: Default::default(),
            lifetimes,
            sweeper: Sweeper::default(),
            quotas,
            expired: Default::default(),
        }
    }

    pub fn remember_expired(&self, name: &str) {
        self.expired
            .lock()
            .insert(name.to_string(), store::now_ms());
    }

    pub fn forget_old_expired(&self, now: u64) {
        self.expired
            .lock()
            .retain(|_, t| now.saturating_sub(*t) < EXPIRED_MEMORY_MS);
    }

    /// "page ... has expired" for a recently expired page.
    pub fn expired_error(&self, name: &str) -> Option<String> {
        self.expired
            .lock()
            .contains_key(name)
            .then(|| format!("page '{name}' has expired"))
    }

    /// Schedules a page's first expiry check.
    fn watch(&self, page: &Page) {
        let now = store::now_ms();
        if let Some(due) = super::sweeper::page_deadline(self, page, now) {
            self.sweeper.watch_page(&page.name, due);
        }
    }

    pub fn page(&self, name: &str) -> Option<Arc<Page>> {
        self.pages.read().get(name).cloned()
    }

    pub fn exec_opts(&self, page_uid: u64, session_id: &str) -> ExecOpts {
        ExecOpts {
            size_limit: self.settings.session_size_limit,
            session_label: format!("{page_uid}:{session_id}"),
        }
    }

    /// Creates and stores a new empty session of `page`.
    pub fn create_session(&self, page: &Page, id: &str) -> Result<Arc<Session>, String> {
        let (page_uid, name) = {
            let m = page.meta.lock();
            (m.uid, m.name.clone())
        };
        let uid = self.store.next_uid().map_err(|e| e.to_string())?;
        let meta = SessionMeta {
            page: name.clone(),
            id: id.to_string(),
            uid,
            created_ms: store::now_ms(),
        };
        self.store.put_session(&meta).map_err(|e| e.to_string())?;
        let s = Arc::new(Session::new(
            id.to_string(),
            uid,
            name,
            self.exec_opts(page_uid, id),
            self.store.clone(),
            Start::fresh(meta.created_ms),
        ));
        page.sessions.lock().insert(id.to_string(), s.clone());
        if page.is_app() {
            if let Some(life) = self.lifetimes.session {
                self.sweeper.watch_session(
                    &page.name,
                    id,
                    meta.created_ms + life.as_millis() as u64,
                );
            }
        }
        Ok(s)
    }

    /// Creates and stores a new page (with its shared session unless it is an app).
    pub fn create_page(
        &self,
        name: &str,
        is_app: bool,
        lifetime_secs: Option<u64>,
        ip: &str,
    ) -> Result<Arc<Page>, String> {
        let uid = self.store.next_uid().map_err(|e| e.to_string())?;
        let meta = PageMeta {
            name: name.to_string(),
            uid,
            is_app,
            created_ms: store::now_ms(),
            lifetime_secs,
            client_ip: ip.to_string(),
            permissions: String::new(),
        };
        self.store.put_page(&meta).map_err(|e| e.to_string())?;
        let page = Arc::new(Page {
            name: name.to_string(),
            meta: Mutex::new(meta),
            sessions: Mutex::new(HashMap::new()),
            hosts: Mutex::new(Vec::new()),
        });
        if !is_app {
            self.create_session(&page, SHARED_SESSION)?;
        }
        self.pages.write().insert(name.to_string(), page.clone());
        self.expired.lock().remove(name);
        self.watch(&page);
        Ok(page)
    }

    /// Deletes one session from memory and disk.
    pub fn delete_session(&self, page: &Page, id: &str) -> Option<Arc<Session>> {
        let s = page.sessions.lock().remove(id)?;
        if let Err(e) = self.store.delete_session(s.uid) {
            tracing::error!(page = %page.name, "deleting session failed: {e}");
        }
        Some(s)
    }

    /// Deletes a page with all its sessions, atomically on disk.
    pub fn delete_page(&self, name: &str) -> Option<Arc<Page>> {
        let page = self.pages.write().remove(name)?;
        let uids: Vec<u64> = page.sessions.lock().values().map(|s| s.uid).collect();
        if let Err(e) = self.store.delete_page(name, &uids) {
            tracing::error!(page = %name, "deleting page failed: {e}");
        }
        Some(page)
    }

    /// Rebuilds every page from the store.
    pub fn restore(&self) -> Result<usize, String> {
        let pages = self.store.recover().map_err(|e| e.to_string())?;
        let n = pages.len();
        let mut map = self.pages.write();
        let mut restored = Vec::with_capacity(n);
        for rp in pages {
            let page_uid = rp.meta.uid;
            let page = Arc::new(Page {
                name: rp.meta.name.clone(),
                meta: Mutex::new(rp.meta),
                sessions: Mutex::new(HashMap::new()),
                hosts: Mutex::new(Vec::new()),
            });
            for rs in rp.sessions {
                let s = Session::new(
                    rs.meta.id.clone(),
                    rs.meta.uid,
                    page.name.clone(),
                    self.exec_opts(page_uid, &rs.meta.id),
                    self.store.clone(),
                    Start {
                        tree: rs.tree,
                        seq: rs.seq,
                        since_snapshot: rs.since_snapshot,
                        updated_ms: rs.updated_ms,
                    },
                );
                page.sessions.lock().insert(rs.meta.id, Arc::new(s));
            }
            map.insert(page.name.clone(), page.clone());
            restored.push(page);
        }
        drop(map);
        // Deadlines come from the stored update times: a restart neither resets them nor
        // forgets pages that expired while the server was down (the first sweep takes those).
        for page in restored {
            self.watch(&page);
            if page.is_app() {
                let ids: Vec<String> = page.sessions.lock().keys().cloned().collect();
                for id in ids {
                    self.sweeper.watch_session(&page.name, &id, 0);
                }
            }
        }
        Ok(n)
    }
}
