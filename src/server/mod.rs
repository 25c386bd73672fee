//! The HTTP/WebSocket server (in progress).

pub fn run_blocking(args: crate::config::ServerArgs) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("server: not implemented yet")
}
