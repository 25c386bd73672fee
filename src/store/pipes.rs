//! The pipes a server serves itself (direct pipes of shared pages), kept so that a restarted
//! server reads the same FIFOs again and the scripts writing to them carry on. Key
//! `q<command FIFO path>`.

use super::{codec, Result, Store};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipeRecord {
    pub cmd_path: String,
    pub page_name: String,
    pub session_id: String,
    pub all_events: bool,
    pub ticker_ms: Option<u64>,
}

fn pipe_key(path: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(path.len() + 1);
    k.push(b'q');
    k.extend_from_slice(path.as_bytes());
    k
}

impl Store {
    pub fn put_pipe(&self, rec: &PipeRecord) -> Result<u64> {
        self.t
            .insert(pipe_key(&rec.cmd_path), super::codec(codec::encode(rec))?)?;
        Ok(self.flusher.wrote(0))
    }

    pub fn delete_pipe(&self, cmd_path: &str) -> Result<u64> {
        self.t.remove(pipe_key(cmd_path))?;
        Ok(self.flusher.wrote(0))
    }

    /// Every kept pipe; damaged records are skipped with a warning.
    pub fn pipes(&self) -> Result<Vec<PipeRecord>> {
        let mut out = Vec::new();
        for kv in self.t.scan_prefix([b'q']) {
            let (_, v) = kv?;
            match codec::decode::<PipeRecord>(&v) {
                Ok(r) => out.push(r),
                Err(e) => tracing::warn!("skipping a damaged pipe record: {e}"),
            }
        }
        Ok(out)
    }
}
