//! The durable store: one sled tree holding page metadata, session metadata, each session's
//! event log and its latest snapshot. Keys are prefixed so that a snapshot and the deletion
//! of the log prefix it covers, or the deletion of a whole page, are one atomic batch.
//!
//! Key layout: `m<page name>` page meta, `s<uid>` session meta, `l<uid><seq>` log entry,
//! `n<uid>` snapshot, `c<name>` counters, `q<path>` pipes the server serves itself; uid and
//! seq are big-endian u64.

pub mod codec;
mod flusher;
pub mod inspect;
mod pipes;
pub mod recovery;

use crate::model::{Event, Tree};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use flusher::Flusher;
pub use pipes::PipeRecord;

/// Hands this thread's dead sled nodes to the shared collector and frees what no thread
/// can still see. sled frees a tree node it replaced through crossbeam-epoch, and each
/// thread holds up to 64 such nodes in a bag of its own until it fills it: a worker that
/// goes idle after a burst of writes kept megabytes of them (the 1,000-page RSS was
/// ~39 or ~47 MiB from run to run, and fell to ~39 as soon as every worker wrote again).
/// Cheap when the bag is empty; called when a runtime worker parks and after each flush.
pub fn release_garbage() {
    crossbeam_epoch::pin().flush();
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageMeta {
    pub name: String,
    /// Numeric page id (named in size-limit errors as the reference does).
    pub uid: u64,
    pub is_app: bool,
    pub created_ms: u64,
    /// Lifetime the host asked for, seconds; None = the server default; Some(0) = never.
    pub lifetime_secs: Option<u64>,
    pub client_ip: String,
    /// Who may view the page (`github:user, google:*@example.com`); empty = anyone.
    pub permissions: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub page: String,
    pub id: String,
    pub uid: u64,
    pub created_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEntry {
    pub ts_ms: u64,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub seq: u64,
    pub ts_ms: u64,
    pub tree: Tree,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sled(#[from] sled::Error),
    #[error("store: {0}")]
    Codec(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn codec<T>(r: std::result::Result<T, String>) -> Result<T> {
    r.map_err(StoreError::Codec)
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn key(prefix: u8, uid: u64) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = prefix;
    k[1..].copy_from_slice(&uid.to_be_bytes());
    k
}

fn log_key(uid: u64, seq: u64) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[..9].copy_from_slice(&key(b'l', uid));
    k[9..].copy_from_slice(&seq.to_be_bytes());
    k
}

fn page_key(name: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(name.len() + 1);
    k.push(b'm');
    k.extend_from_slice(name.as_bytes());
    k
}

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    t: sled::Tree,
    flusher: Arc<Flusher>,
}

impl Store {
    /// Opens (or creates) the store in `dir`. `window` bounds how long a write may stay
    /// unflushed when nobody waits for it.
    pub fn open(dir: &Path, window: Duration) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Codec(format!("{}: {e}", dir.display())))?;
        let db = sled::Config::new()
            .path(dir.join("db"))
            .cache_capacity(64 * 1024 * 1024)
            .flush_every_ms(None)
            .open()?;
        let t = db.open_tree("pglet")?;
        move_legacy_counters(&t)?;
        let flusher = Flusher::start(db.clone(), window);
        Ok(Store { db, t, flusher })
    }

    /// A fresh unique id (pages and sessions).
    pub fn next_uid(&self) -> Result<u64> {
        // sled's id generator is durable and monotonic across restarts.
        Ok(self.db.generate_id()? + 1)
    }

    pub fn put_page(&self, meta: &PageMeta) -> Result<u64> {
        let v = codec(codec::encode(meta))?;
        let n = v.len();
        self.t.insert(page_key(&meta.name), v)?;
        Ok(self.flusher.wrote(n))
    }

    pub fn put_session(&self, meta: &SessionMeta) -> Result<u64> {
        let v = codec(codec::encode(meta))?;
        let n = v.len();
        self.t.insert(key(b's', meta.uid), v)?;
        Ok(self.flusher.wrote(n))
    }

    /// Appends one command's events as log entry `seq` of session `uid`; returns the ticket
    /// to wait on for durability.
    pub fn append(&self, uid: u64, seq: u64, events: &[Event]) -> Result<u64> {
        #[derive(Serialize)]
        struct Borrowed<'a> {
            ts_ms: u64,
            events: &'a [Event],
        }
        let bytes = codec(codec::encode(&Borrowed {
            ts_ms: now_ms(),
            events,
        }))?;
        let n = bytes.len();
        self.t.insert(log_key(uid, seq), bytes)?;
        Ok(self.flusher.wrote(n))
    }

    /// Writes a snapshot of session `uid` covering log entries up to `seq` and deletes them.
    pub fn snapshot(&self, uid: u64, seq: u64, tree: &Tree) -> Result<u64> {
        let snap = codec(codec::encode(&SnapshotRef {
            seq,
            ts_ms: now_ms(),
            tree,
        }))?;
        let n = snap.len();
        let mut batch = sled::Batch::default();
        batch.insert(&key(b'n', uid), snap);
        for k in self.t.range(log_key(uid, 0)..=log_key(uid, seq)).keys() {
            batch.remove(k?);
        }
        self.t.apply_batch(batch)?;
        Ok(self.flusher.wrote(n))
    }

    /// Deletes a session with its log and snapshot, atomically.
    pub fn delete_session(&self, uid: u64) -> Result<u64> {
        let mut batch = sled::Batch::default();
        self.delete_session_into(&mut batch, uid)?;
        self.t.apply_batch(batch)?;
        Ok(self.flusher.wrote(0))
    }

    fn delete_session_into(&self, batch: &mut sled::Batch, uid: u64) -> Result<()> {
        batch.remove(&key(b's', uid));
        batch.remove(&key(b'n', uid));
        for k in self.t.scan_prefix(key(b'l', uid)).keys() {
            batch.remove(k?);
        }
        Ok(())
    }

    /// Deletes a page and the given sessions of it, atomically.
    pub fn delete_page(&self, name: &str, sessions: &[u64]) -> Result<u64> {
        let mut batch = sled::Batch::default();
        batch.remove(page_key(name));
        for uid in sessions {
            self.delete_session_into(&mut batch, *uid)?;
        }
        self.t.apply_batch(batch)?;
        Ok(self.flusher.wrote(0))
    }

    pub async fn durable(&self, ticket: u64) {
        self.flusher.durable(ticket).await
    }

    /// Flushes everything now (graceful shutdown).
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        self.flusher.shutdown();
        Ok(())
    }

    /// Bytes on disk, as sled reports them.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }

    pub(crate) fn raw(&self) -> &sled::Tree {
        &self.t
    }
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    seq: u64,
    ts_ms: u64,
    tree: &'a Tree,
}

const COUNTER: u8 = b'c';
/// Counters used to be kept under `q`, the pipes' prefix, and `pipes()` read each of them
/// as a damaged pipe record; [`Store::open`] moves such keys to [`COUNTER`].
const LEGACY_COUNTER: u8 = b'q';

fn counter_key(tag: u8, hour: u64, ip: &str) -> Vec<u8> {
    let mut k = vec![COUNTER, tag];
    k.extend_from_slice(&hour.to_be_bytes());
    k.extend_from_slice(ip.as_bytes());
    k
}

/// Pipe keys are `q` + an absolute path and hold an encoded record; a `q` key whose next
/// byte is not `/` and whose value is a bare u32 is a counter of the old layout.
fn move_legacy_counters(t: &sled::Tree) -> Result<()> {
    let mut batch = sled::Batch::default();
    let mut moved = 0;
    for kv in t.scan_prefix([LEGACY_COUNTER]) {
        let (k, v) = kv?;
        if k.get(1).is_some_and(|&b| b != b'/') && v.len() == 4 {
            let mut new = k.to_vec();
            new[0] = COUNTER;
            batch.remove(k);
            batch.insert(new, v);
            moved += 1;
        }
    }
    if moved > 0 {
        t.apply_batch(batch)?;
        tracing::info!("moved {moved} quota counters to their own key prefix");
    }
    Ok(())
}

impl Store {
    /// Increments counter (`tag`, `hour`, `ip`) unless it reached `limit`; true if counted.
    pub fn bump_counter(&self, tag: u8, hour: u64, ip: &str, limit: u32) -> Result<bool> {
        let mut counted = false;
        self.t.fetch_and_update(counter_key(tag, hour, ip), |old| {
            let n = old
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
                .unwrap_or(0);
            counted = n < limit;
            Some((if counted { n + 1 } else { n }).to_be_bytes().to_vec())
        })?;
        self.flusher.wrote(0);
        Ok(counted)
    }

    /// Deletes counters of hours before `hour`.
    pub fn drop_counters_before(&self, tag: u8, hour: u64) -> Result<()> {
        let end = counter_key(tag, hour, "");
        for k in self.t.range(vec![COUNTER, tag]..end).keys() {
            self.t.remove(k?)?;
        }
        Ok(())
    }
}

/// What the store holds, by record kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub pages: usize,
    pub sessions: usize,
    pub log_entries: usize,
    pub snapshots: usize,
}

impl Store {
    pub fn counts(&self) -> Counts {
        let n = |p: u8| self.t.scan_prefix([p]).count();
        Counts {
            pages: n(b'm'),
            sessions: n(b's'),
            log_entries: n(b'l'),
            snapshots: n(b'n'),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn counters_and_pipes_do_not_share_keys() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = super::PipeRecord {
            cmd_path: "/tmp/p/cmd".into(),
            page_name: "p".into(),
            session_id: "0".into(),
            all_events: false,
            ticker_ms: None,
        };
        {
            let store = super::Store::open(dir.path(), std::time::Duration::from_secs(1)).unwrap();
            store.put_pipe(&pipe).unwrap();
            assert!(store.bump_counter(b'p', 7, "1.2.3.4", 10).unwrap());
            // A counter of the old layout, as an older server left it.
            store
                .raw()
                .insert(b"qs\0\0\0\0\0\0\0\x071.2.3.4", &1u32.to_be_bytes())
                .unwrap();
            assert_eq!(store.raw().scan_prefix(b"q").count(), 2);
            store.flush().unwrap();
        }
        let store = super::Store::open(dir.path(), std::time::Duration::from_secs(1)).unwrap();
        // Only the pipe is under the pipes' prefix: no counter read as a damaged pipe.
        assert_eq!(store.raw().scan_prefix(b"q").count(), 1);
        assert_eq!(store.pipes().unwrap(), vec![pipe]);
        // The moved counter still counts: 1 of a limit of 2, then full.
        assert!(store.bump_counter(b's', 7, "1.2.3.4", 2).unwrap());
        assert!(!store.bump_counter(b's', 7, "1.2.3.4", 2).unwrap());
        store.drop_counters_before(b's', 8).unwrap();
        assert!(store.bump_counter(b's', 7, "1.2.3.4", 1).unwrap());
        assert_eq!(store.pipes().unwrap().len(), 1);
    }

    #[test]
    fn release_garbage_frees_what_this_thread_deferred() {
        // A node sled replaced stands in as a deferred drop in this thread's bag: without
        // the release it would wait there until 63 more arrive.
        struct Node(Arc<AtomicBool>);
        impl Drop for Node {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let freed = Arc::new(AtomicBool::new(false));
        let node = Node(freed.clone());
        crossbeam_epoch::pin().defer(move || drop(node));
        for _ in 0..128 {
            let _ = crossbeam_epoch::pin();
        }
        assert!(!freed.load(Ordering::SeqCst), "pins alone free nothing");
        // The epoch advances only when no thread is pinned in an older one; other tests'
        // threads pin briefly, so this may take a few rounds.
        for _ in 0..10_000 {
            super::release_garbage();
            if freed.load(Ordering::SeqCst) {
                return;
            }
            std::thread::yield_now();
        }
        panic!("the deferred node was never freed");
    }
}
