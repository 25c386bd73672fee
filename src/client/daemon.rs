//! The proxy daemon (`pglet client`, started on demand, one per `$TMPDIR`): owns the pipes of
//! every page the scripts of this user connected, and one WebSocket per server. It answers
//! requests of `pglet page` / `pglet app` on the control socket and exits after a while with
//! nothing to serve.

use super::control::Paths;
use super::pipe::Ctx;
use super::service::{Handled, PipeService};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UnixListener;

/// Runs the daemon until stopped or idle for `PGLET_CLIENT_IDLE_EXIT` seconds (default 600;
/// 0 = never) with no page, no session and no `pglet app` to serve.
pub fn run() -> anyhow::Result<()> {
    let paths = Paths::new();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&paths.lock)?;
    // A proxy that was asked to stop (an upgrade) may still be on its way out: give it a
    // moment. One that keeps the lock serves this TMPDIR (two commands raced to start one).
    let mut tries = 0;
    // SAFETY: flock on an fd we own.
    while unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        tries += 1;
        if tries > 100 {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let idle: u64 = std::env::var("PGLET_CLIENT_IDLE_EXIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    // One thread runs every link and every command pipe, so a command goes from its FIFO to
    // the server's socket and its reply back without waking another thread; only event
    // FIFOs (blocking until a reader comes) have threads of their own.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let res = rt.block_on(serve(&paths, idle));
    let _ = std::fs::remove_file(&paths.socket);
    let _ = std::fs::remove_file(&paths.pid);
    drop(lock);
    // Pipe threads may sit in blocking opens; the process ends them.
    rt.shutdown_timeout(Duration::from_millis(200));
    res
}

async fn serve(paths: &Paths, idle_secs: u64) -> anyhow::Result<()> {
    let _ = std::fs::remove_file(&paths.socket);
    let listener = UnixListener::bind(&paths.socket)?;
    std::fs::write(&paths.pid, format!("{}\n", std::process::id()))?;
    tracing::info!(socket = %paths.socket.display(), pid = std::process::id(), "pipe proxy ready");
    let ctx = Arc::new(Ctx {
        tmp: paths.tmp.clone(),
        rt: tokio::runtime::Handle::current(),
        hooks: None,
    });
    let service = PipeService::new(ctx, None);
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut check = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            conn = listener.accept() => {
                if let Ok((s, _)) = conn {
                    let (service, stop) = (service.clone(), stop.clone());
                    tokio::spawn(async move {
                        if let Handled::Stop = service.handle(s).await {
                            stop.notify_one();
                        }
                    });
                }
            }
            _ = stop.notified() => return Ok(()),
            _ = check.tick() => {
                // Our socket is gone (TMPDIR cleaned, or a newer proxy took over): nobody
                // can reach us any more.
                if !paths.socket.exists() {
                    tracing::info!("control socket removed; exiting");
                    return Ok(());
                }
                if idle_secs > 0 && service.idle_for().await > Duration::from_secs(idle_secs) {
                    tracing::info!("nothing to serve for {idle_secs} s; exiting");
                    return Ok(());
                }
            }
        }
    }
}
