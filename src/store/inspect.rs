//! `pglet inspect`: what a data directory holds, one JSON line per session (page, session,
//! last log sequence number, entries since the last snapshot, controls, bytes, last update),
//! read through the same recovery a starting server runs. The server must not be running
//! on that directory (sled allows one process).

use super::Store;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionReport {
    pub page: String,
    pub session: String,
    pub is_app: bool,
    pub seq: u64,
    pub since_snapshot: u64,
    pub controls: usize,
    pub bytes: usize,
    pub updated_ms: u64,
}

pub fn report(dir: &Path) -> anyhow::Result<Vec<SessionReport>> {
    let store = Store::open(dir, Duration::from_millis(10))
        .map_err(|e| anyhow::anyhow!("{e} (is a server running on {}?)", dir.display()))?;
    let mut out = Vec::new();
    for p in store.recover()? {
        for s in p.sessions {
            out.push(SessionReport {
                page: p.meta.name.clone(),
                session: s.meta.id,
                is_app: p.meta.is_app,
                seq: s.seq,
                since_snapshot: s.since_snapshot,
                controls: s.tree.len(),
                bytes: s.tree.size(),
                updated_ms: s.updated_ms,
            });
        }
    }
    Ok(out)
}
