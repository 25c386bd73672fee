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
    /// Accept host connections from non-loopback addresses.
    #[arg(long, env = "PGLET_ALLOW_REMOTE_HOST_CLIENTS")]
    pub allow_remote_host_clients: bool,
    /// When set, hosts must present this token (`pglet page --token`, Python `token=`).
    #[arg(long, env = "PGLET_HOST_CLIENTS_AUTH_TOKEN", hide_env_values = true)]
    pub host_clients_auth_token: Option<String>,
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

/// Parses a duration such as `90s`, `15m`, `6h`, `7d` (a bare number is seconds); `0` means
/// "never" and is returned as zero.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid duration '{s}' (use e.g. 90s, 15m, 6h, 7d)"))?;
    let mult = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "invalid duration '{s}' (use e.g. 90s, 15m, 6h, 7d)"
            ))
        }
    };
    n.checked_mul(mult)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| format!("duration '{s}' is too large"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(super::parse_duration("6h").unwrap().as_secs(), 21600);
        assert_eq!(super::parse_duration("7d").unwrap().as_secs(), 604800);
        assert_eq!(super::parse_duration("0").unwrap().as_secs(), 0);
        assert!(super::parse_duration("5y").is_err());
        assert!(super::parse_duration("").is_err());
    }
}
