//! Group commit: one thread flushes sled for everyone. A writer takes a ticket when it
//! appends; waiting for the ticket means waiting for a flush that began after the append,
//! so concurrent commands share one fsync.

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub struct Flusher {
    written: AtomicU64,
    wake: Mutex<bool>,
    cv: Condvar,
    flushed_tx: watch::Sender<u64>,
    flushed_rx: watch::Receiver<u64>,
    stop: Mutex<bool>,
}

impl Flusher {
    /// Starts the flush thread. `window`: how long a write may wait before it is flushed
    /// without anyone asking (the batched durability bound).
    pub fn start(db: sled::Db, window: Duration) -> Arc<Flusher> {
        let (flushed_tx, flushed_rx) = watch::channel(0);
        let f = Arc::new(Flusher {
            written: AtomicU64::new(0),
            wake: Mutex::new(false),
            cv: Condvar::new(),
            flushed_tx,
            flushed_rx,
            stop: Mutex::new(false),
        });
        let me = f.clone();
        let spawned = std::thread::Builder::new()
            .name("pglet-flush".into())
            .spawn(move || me.run(db, window));
        if let Err(e) = spawned {
            tracing::error!("cannot start the flush thread: {e}");
        }
        f
    }

    fn run(&self, db: sled::Db, window: Duration) {
        let mut done = 0u64;
        loop {
            {
                let mut wake = self.wake.lock();
                if !*wake {
                    self.cv.wait_for(&mut wake, window);
                }
                *wake = false;
            }
            let target = self.written.load(Ordering::Acquire);
            if target > done {
                if let Err(e) = db.flush() {
                    tracing::error!("store flush failed: {e}");
                    continue;
                }
                done = target;
                self.flushed_tx.send_replace(done);
            }
            if *self.stop.lock() {
                return;
            }
        }
    }

    /// Records a write; returns its ticket.
    pub fn wrote(&self) -> u64 {
        self.written.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Waits until the write with this ticket is on disk.
    pub async fn durable(&self, ticket: u64) {
        let mut rx = self.flushed_rx.clone();
        {
            *self.wake.lock() = true;
            self.cv.notify_one();
        }
        let _ = rx.wait_for(|v| *v >= ticket).await;
    }

    /// Flushes everything written so far and stops the thread.
    pub fn shutdown(&self) {
        *self.stop.lock() = true;
        *self.wake.lock() = true;
        self.cv.notify_one();
    }
}
