//! The events of one pipe waiting for the script: arrival order, bounded (the reference kept
//! one and dropped the rest while nobody read), taken off only once delivered.

use super::fifo::Stop;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::time::Duration;

/// Events kept per pipe while nobody reads; past this the oldest go, with a log line.
pub const EVENT_QUEUE: usize = 10_000;

struct Queue {
    items: VecDeque<String>,
    finished: bool,
    dropped: u64,
}

/// The events of one pipe, in arrival order, bounded.
pub struct EventQueue {
    q: Mutex<Queue>,
    cv: Condvar,
}

impl EventQueue {
    pub fn new() -> EventQueue {
        EventQueue {
            q: Mutex::new(Queue {
                items: VecDeque::new(),
                finished: false,
                dropped: 0,
            }),
            cv: Condvar::new(),
        }
    }

    pub fn push(&self, line: String) {
        let mut q = self.q.lock();
        if q.finished {
            return;
        }
        if q.items.len() >= EVENT_QUEUE {
            q.items.pop_front();
            q.dropped += 1;
            if q.dropped == 1 || q.dropped.is_power_of_two() {
                tracing::warn!(
                    dropped = q.dropped,
                    "event pipe not read: {EVENT_QUEUE} events waiting, dropping the oldest"
                );
            }
        }
        q.items.push_back(line);
        self.cv.notify_all();
    }

    /// A tick is not queued behind another unread tick: a late reader gets one, not a pile.
    pub fn push_tick(&self) {
        if self.q.lock().items.back().is_some_and(|l| l == TICK) {
            return;
        }
        self.push(TICK.into());
    }

    /// Waits for the oldest event without taking it (it is taken once delivered).
    pub fn front(&self, stop: &Stop) -> Option<String> {
        let mut q = self.q.lock();
        loop {
            if stop.is_set() {
                return None;
            }
            if let Some(f) = q.items.front() {
                return Some(f.clone());
            }
            if q.finished {
                return None;
            }
            self.cv.wait_for(&mut q, Duration::from_millis(200));
        }
    }

    pub fn pop(&self) {
        self.q.lock().items.pop_front();
    }

    /// No more events after those queued.
    pub fn finish(&self) {
        self.q.lock().finished = true;
        self.cv.notify_all();
    }
}

const TICK: &str = "timer tick";
