//! Server configuration: flags, `PGLET_*` environment variables and defaults.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Durability {
    /// A reply is sent only after its event is flushed to disk (group commit).
    Strict,
    /// Events are flushed within a bounded window (10 ms).
    #[default]
    Batched,
}

#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    #[arg(short = 'p', long, env = "PGLET_SERVER_PORT", default_value_t = 8550)]
    pub port: u16,
    /// Address to bind; 0.0.0.0 to serve a LAN.
    #[arg(long, env = "PGLET_SERVER_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Where pages are stored; default: the per-user data directory.
    #[arg(long, env = "PGLET_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[arg(long, env = "PGLET_DURABILITY", value_enum, default_value_t = Durability::Batched)]
    pub durability: Durability,
    /// Largest WebSocket frame accepted, in bytes.
    #[arg(long, env = "PGLET_WS_MAX_MESSAGE_SIZE", default_value_t = 2 * 1024 * 1024)]
    pub ws_max_message_size: usize,
    /// Maximum size of a page (session), bytes; 0 = unlimited.
    #[arg(long, env = "PGLET_LIMIT_SESSION_SIZE_BYTES", default_value_t = 1024 * 1024)]
    pub limit_session_size_bytes: usize,
    /// Accepted for compatibility with the reference (`-b`); the server always runs attached.
    #[arg(short = 'b', long, hide = true)]
    pub background: bool,
    #[arg(short = 'a', long, hide = true)]
    pub attached: bool,
}

impl ServerArgs {
    /// The data directory: the flag, else `$XDG_DATA_HOME/pglet-rs` (or the OS equivalent).
    pub fn resolved_data_dir(&self) -> PathBuf {
        if let Some(d) = &self.data_dir {
            return d.clone();
        }
        dirs::data_local_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("pglet-rs")
    }
}
