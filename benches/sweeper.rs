//! Cost of one sweeper tick with 100,000 stored pages: when nothing is due (the common
//! case), and when 1,000 of them are due and expire.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use pglet::server::quota::Quotas;
use pglet::server::state::{Settings, State};
use pglet::server::sweeper::Lifetimes;
use pglet::server::token::Sealer;
use pglet::store::{now_ms, Store};
use std::time::{Duration, Instant};

const PAGES: usize = 100_000;

fn state(dir: &std::path::Path) -> State {
    let store = Store::open(dir, Duration::from_millis(10)).expect("store");
    let settings = Settings {
        strict: false,
        reserved_accounts: vec![],
        reserved_pages: vec![],
        check_page_ip: false,
        trusted_proxies: vec![],
        ws_max_message_size: 1 << 21,
        session_size_limit: 0,
        allow_remote_hosts: false,
        host_auth_token: None,
    };
    // Base pages ask for 30 days; the 1,000 "due" pages get the 1 h default.
    let life = Duration::from_secs(3600);
    let lifetimes = Lifetimes::new(life, life, life, Duration::ZERO);
    let quotas = Quotas::new(0, 0, store.clone());
    State::new(
        store,
        settings,
        Sealer::from_key(&[1; 32]),
        lifetimes,
        quotas,
    )
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let st = state(dir.path());
    let t = Instant::now();
    for i in 0..PAGES {
        st.create_page(
            &format!("p/page-{i}"),
            false,
            Some(30 * 86_400),
            "127.0.0.1",
        )
        .expect("page");
    }
    eprintln!(
        "created {PAGES} pages in {:?}; heap holds {}",
        t.elapsed(),
        st.sweeper.len()
    );
    let now = now_ms();
    let mut g = c.benchmark_group("sweeper");
    g.bench_function("tick_100k_pages_none_due", |b| {
        b.iter(|| st.sweeper.tick(&st, now))
    });
    g.sample_size(10);
    g.bench_function("tick_100k_pages_1000_due", |b| {
        b.iter_batched(
            || {
                // 1,000 fresh pages whose deadline has passed by the tick's clock.
                for i in 0..1000 {
                    let _ = st.create_page(&format!("p/due-{i}"), false, None, "127.0.0.1");
                }
            },
            |_| {
                let n = st.sweeper.tick(&st, now_ms() + 3_600_001);
                assert!(n >= 1000);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
