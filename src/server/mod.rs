//! The HTTP/WebSocket server: start-up (store, recovery, secret), routes, graceful stop.

mod conn;
mod host;
pub mod http;
mod listen;
mod outbox;
mod peer;
mod pipes;
pub mod quota;
pub mod session;
pub mod state;
pub mod sweeper;
pub mod token;
mod uring;
mod web;
mod ws;
mod wsframe;

use crate::config::{Durability, ServerArgs};
use crate::store::Store;
use state::{Settings, State};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a write may stay unflushed in batched durability. sled keeps unflushed writes
/// in memory, so a short window also keeps the store's memory small (10 ms cost 15 MiB
/// with 1,000 pages being written).
pub const BATCHED_WINDOW: Duration = Duration::from_millis(2);

pub fn run_blocking(args: ServerArgs) -> anyhow::Result<()> {
    limit_malloc_arenas();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(crate::store::release_garbage)
        .build()?;
    rt.block_on(run(args, None))
}

/// glibc gives each thread that allocates under contention an arena of its own (up to
/// 8 per core), each with its own slack; one per core is enough for the workers (one in
/// all made concurrent page building twice as slow). `MALLOC_ARENA_MAX` in the environment
/// still wins. (The 1,000-page RSS swinging between ~40 and ~47 MiB, first blamed on
/// arenas, was sled's dead nodes left in idle workers' epoch bags: `on_thread_park`.)
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let n = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, n);
        }
    }
}

/// Opens the store, restores every page and serves until SIGINT/SIGTERM. `ready` gets the
/// bound address (tests bind port 0).
pub async fn run(
    args: ServerArgs,
    ready: Option<tokio::sync::oneshot::Sender<SocketAddr>>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let dir = args.resolved_data_dir();
    let window = if args.durability == Durability::Strict {
        Duration::from_millis(2)
    } else {
        BATCHED_WINDOW
    };
    let store = Store::open(&dir, window)?;
    let sealer = token::Sealer::load_or_create(&dir)?;
    let words = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    let settings = Settings {
        strict: args.durability == Durability::Strict,
        reserved_accounts: words(&args.reserved_account_names),
        reserved_pages: words(&args.reserved_page_names),
        check_page_ip: args.check_page_ip,
        trusted_proxies: args
            .trusted_proxies
            .split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect(),
        ws_max_message_size: args.ws_max_message_size,
        session_size_limit: args.limit_session_size_bytes,
        allow_remote_hosts: args.allow_remote_host_clients,
        host_auth_token: args
            .host_clients_auth_token
            .clone()
            .filter(|t| !t.is_empty()),
    };
    let lifetimes = sweeper::Lifetimes::new(
        args.page_lifetime,
        args.app_lifetime,
        args.session_lifetime,
        args.max_lifetime,
    );
    let quotas = quota::Quotas::new(
        args.pages_per_hour(),
        args.sessions_per_hour(),
        store.clone(),
    );
    let state = Arc::new(State::new(
        store.clone(),
        settings,
        sealer,
        lifetimes,
        quotas,
    ));
    let pages = state.restore().map_err(anyhow::Error::msg)?;
    let ip: std::net::IpAddr = args.host.parse()?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port)).await?;
    let addr = listener.local_addr()?;
    tracing::info!(
        %addr,
        data_dir = %dir.display(),
        pages,
        durability = ?args.durability,
        startup_ms = started.elapsed().as_millis() as u64,
        "pglet server ready"
    );
    tokio::spawn(sweeper::run(state.clone(), args.sweep_interval));
    let pipes_socket = if args.direct_pipes {
        pipes::start(state.clone(), &dir, format!("http://{addr}")).await
    } else {
        None
    };
    // One line for whoever started us (`--port 0` picks a free port: this says which),
    // once everything it may use is ready.
    if let Some(tx) = ready {
        let _ = tx.send(addr);
    }
    {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "pglet server listening on http://{addr}");
        let _ = out.flush();
    }
    listen::serve(
        nodelay_listener(listener),
        http::routes(state.clone(), pipes_socket),
        shutdown_signal(),
    )
    .await;
    tracing::info!("stopping: flushing the store");
    store.flush()?;
    Ok(())
}

/// Sets TCP_NODELAY on the listener, which Linux copies to every accepted socket. Without
/// it Nagle held a small update to a browser until the browser's delayed ACK of the
/// previous one: updates a few ms apart arrived 40 ms late (p99 of one `set` to 500
/// browsers: 42-47 ms, BENCHMARKS.md).
fn nodelay_listener(l: tokio::net::TcpListener) -> tokio::net::TcpListener {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let on: libc::c_int = 1;
        // SAFETY: setsockopt on a socket we own, with a c_int option value of the right size.
        let rc = unsafe {
            libc::setsockopt(
                l.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            tracing::warn!(
                "TCP_NODELAY on the listener: {}",
                std::io::Error::last_os_error()
            );
        }
    }
    l
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn accepted_sockets_send_without_nagle() -> std::io::Result<()> {
        let l = super::nodelay_listener(tokio::net::TcpListener::bind("127.0.0.1:0").await?);
        let _client = tokio::net::TcpStream::connect(l.local_addr()?).await?;
        let (accepted, _) = l.accept().await?;
        assert!(
            accepted.nodelay()?,
            "an accepted socket must have TCP_NODELAY"
        );
        Ok(())
    }
}
