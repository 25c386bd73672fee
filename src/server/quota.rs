//! Hourly quotas per client IP (new pages, new app sessions), counted in the store so a
//! restart neither resets nor forgets them. An empty IP (in-process) is never limited.

use crate::store::Store;

pub struct Quotas {
    pub pages_per_hour: u32,
    pub sessions_per_hour: u32,
    store: Store,
}

#[derive(Clone, Copy)]
pub enum Kind {
    Pages,
    Sessions,
}

impl Kind {
    fn tag(self) -> u8 {
        match self {
            Kind::Pages => b'p',
            Kind::Sessions => b's',
        }
    }
}

fn hour(now_ms: u64) -> u64 {
    now_ms / 3_600_000
}

impl Quotas {
    pub fn new(pages_per_hour: u32, sessions_per_hour: u32, store: Store) -> Quotas {
        Quotas {
            pages_per_hour,
            sessions_per_hour,
            store,
        }
    }

    fn limit(&self, kind: Kind) -> u32 {
        match kind {
            Kind::Pages => self.pages_per_hour,
            Kind::Sessions => self.sessions_per_hour,
        }
    }

    /// Counts one new page/session for `ip` this hour; Err(limit) when it is over.
    pub fn take(&self, kind: Kind, ip: &str, now_ms: u64) -> Result<(), u32> {
        let limit = self.limit(kind);
        if limit == 0 || ip.is_empty() {
            return Ok(());
        }
        match self.store.bump_counter(kind.tag(), hour(now_ms), ip, limit) {
            Ok(true) => Ok(()),
            Ok(false) => Err(limit),
            Err(e) => {
                // A broken counter must not lock every host out.
                tracing::error!("quota counter: {e}");
                Ok(())
            }
        }
    }

    pub fn forget_old(&self, now_ms: u64) {
        if self.pages_per_hour == 0 && self.sessions_per_hour == 0 {
            return;
        }
        for kind in [Kind::Pages, Kind::Sessions] {
            if let Err(e) = self.store.drop_counters_before(kind.tag(), hour(now_ms)) {
                tracing::warn!("quota cleanup: {e}");
            }
        }
    }
}
