//! Start-up recovery: every page and session is rebuilt from its snapshot plus the log
//! entries after it, through the same `Tree::apply` that live commands use.

use super::{codec, key, LogEntry, PageMeta, SessionMeta, Snapshot, Store, StoreError};
use crate::model::Tree;
use std::collections::BTreeMap;
use std::time::Instant;

/// A session as recovered: its tree, the last log sequence number, events since the last
/// snapshot, and when it was last changed.
#[derive(Debug)]
pub struct RecoveredSession {
    pub meta: SessionMeta,
    pub tree: Tree,
    pub seq: u64,
    pub since_snapshot: u64,
    pub updated_ms: u64,
}

#[derive(Debug)]
pub struct RecoveredPage {
    pub meta: PageMeta,
    pub sessions: Vec<RecoveredSession>,
}

const PROGRESS_EVERY: u64 = 250_000;

impl Store {
    /// Loads every page. Damaged records are logged and skipped, never fatal: one bad page
    /// must not keep the others from being served.
    pub fn recover(&self) -> Result<Vec<RecoveredPage>, StoreError> {
        let started = Instant::now();
        let t = self.raw();
        let mut pages: BTreeMap<String, RecoveredPage> = BTreeMap::new();
        for kv in t.scan_prefix([b'm']) {
            let (_, v) = kv?;
            match codec::decode::<PageMeta>(&v) {
                Ok(meta) => {
                    pages.insert(
                        meta.name.clone(),
                        RecoveredPage {
                            meta,
                            sessions: Vec::new(),
                        },
                    );
                }
                Err(e) => tracing::warn!("skipping a damaged page record: {e}"),
            }
        }
        let mut applied = 0u64;
        for kv in t.scan_prefix([b's']) {
            let (_, v) = kv?;
            let meta: SessionMeta = match codec::decode(&v) {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!("skipping a damaged session record: {e}");
                    continue;
                }
            };
            let Some(page) = pages.get_mut(&meta.page) else {
                tracing::warn!(page = %meta.page, "session without a page; skipped");
                continue;
            };
            let (mut tree, mut seq, mut updated_ms) = (Tree::new(), 0, meta.created_ms);
            if let Some(b) = t.get(key(b'n', meta.uid))? {
                match codec::decode::<Snapshot>(&b) {
                    Ok(s) => {
                        tree = s.tree;
                        seq = s.seq;
                        updated_ms = updated_ms.max(s.ts_ms);
                    }
                    Err(e) => tracing::warn!(page = %meta.page, "damaged snapshot ignored: {e}"),
                }
            }
            let mut since = 0;
            for kv in t.scan_prefix(key(b'l', meta.uid)) {
                let (k, v) = kv?;
                let entry_seq = k
                    .get(9..17)
                    .and_then(|b| b.try_into().ok())
                    .map(u64::from_be_bytes)
                    .unwrap_or(0);
                if entry_seq <= seq {
                    continue;
                }
                match codec::decode::<LogEntry>(&v) {
                    Ok(entry) => {
                        for ev in &entry.events {
                            if let Err(e) = tree.apply(ev, None) {
                                tracing::warn!(page = %meta.page, "log event skipped: {e}");
                            }
                            applied += 1;
                            if applied.is_multiple_of(PROGRESS_EVERY) {
                                tracing::info!(
                                    events = applied,
                                    elapsed_ms = started.elapsed().as_millis() as u64,
                                    "recovering"
                                );
                            }
                        }
                        updated_ms = updated_ms.max(entry.ts_ms);
                    }
                    Err(e) => {
                        tracing::warn!(page = %meta.page, seq = entry_seq, "damaged log entry skipped: {e}")
                    }
                }
                seq = entry_seq;
                since += 1;
            }
            tree.compact();
            page.sessions.push(RecoveredSession {
                meta,
                tree,
                seq,
                since_snapshot: since,
                updated_ms,
            });
        }
        tracing::info!(
            pages = pages.len(),
            events = applied,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "store recovered"
        );
        Ok(pages.into_values().collect())
    }
}
