//! Server configuration: flags, `PGLET_*` environment variables and defaults.

use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LimitsProfile {
    #[default]
    Default,
    Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Durability {
    /// A reply is sent only after its event is flushed to disk (group commit).
    Strict,
    /// Events are flushed within a bounded window (2 ms).
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
    /// A shared page lives this long after its last update (`0` = never).
    #[arg(long, env = "PGLET_PAGE_LIFETIME", value_parser = parse_duration, default_value = "6h")]
    pub page_lifetime: Duration,
    /// An app page lives this long after any of its sessions was last updated.
    #[arg(long, env = "PGLET_APP_LIFETIME", value_parser = parse_duration, default_value = "60m")]
    pub app_lifetime: Duration,
    /// An app session lives this long after it was last accessed or updated.
    #[arg(long, env = "PGLET_SESSION_LIFETIME", value_parser = parse_duration, default_value = "60m")]
    pub session_lifetime: Duration,
    /// The longest lifetime a host may ask for with `pglet page --lifetime` (`0` = no bound).
    #[arg(long, env = "PGLET_MAX_LIFETIME", value_parser = parse_duration, default_value = "365d")]
    pub max_lifetime: Duration,
    /// How often expired pages and sessions are swept.
    #[arg(long, env = "PGLET_SWEEP_INTERVAL", value_parser = parse_duration, default_value = "10s")]
    pub sweep_interval: Duration,
    /// Quota profile: `default` (self-hosted: no hourly quotas) or `service` (10 pages and
    /// 10 sessions per client IP per hour, as the hosted service documents).
    #[arg(long, env = "PGLET_LIMITS", value_enum, default_value_t = LimitsProfile::Default)]
    pub limits: LimitsProfile,
    /// New pages per client IP per hour (0 = unlimited); overrides the profile.
    #[arg(long, env = "PGLET_LIMIT_PAGES_PER_HOUR")]
    pub limit_pages_per_hour: Option<u32>,
    /// New app sessions per client IP per hour (0 = unlimited); overrides the profile.
    #[arg(long, env = "PGLET_LIMIT_SESSIONS_PER_HOUR")]
    pub limit_sessions_per_hour: Option<u32>,
    /// Account names hosts may not use (space separated).
    #[arg(long, env = "PGLET_RESERVED_ACCOUNT_NAMES", default_value = "")]
    pub reserved_account_names: String,
    /// Full page names (`account/page`) hosts may not use (space separated).
    #[arg(long, env = "PGLET_RESERVED_PAGE_NAMES", default_value = "")]
    pub reserved_page_names: String,
    /// A page created from one IP can only be driven from that IP until it expires.
    #[arg(long, env = "PGLET_CHECK_PAGE_IP")]
    pub check_page_ip: bool,
    /// Reverse proxies (space-separated IPs) whose `X-Forwarded-For` names the real client.
    #[arg(long, env = "PGLET_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Serve the pipes of `pglet page` scripts of this machine (same user) directly, without
    /// the proxy daemon (`false` to always use the proxy).
    #[arg(long, env = "PGLET_DIRECT_PIPES", default_value_t = true, action = clap::ArgAction::Set)]
    pub direct_pipes: bool,
    /// Config file (`key = value` per option, e.g. `page_lifetime = "30d"`).
    #[arg(long, env = "PGLET_CONFIG")]
    pub config: Option<PathBuf>,
    /// Accepted for compatibility with the reference (`-b`); the server always runs attached.
    #[arg(short = 'b', long, hide = true)]
    pub background: bool,
    #[arg(short = 'a', long, hide = true)]
    pub attached: bool,
}

impl ServerArgs {
    pub fn pages_per_hour(&self) -> u32 {
        self.limit_pages_per_hour.unwrap_or(match self.limits {
            LimitsProfile::Default => 0,
            LimitsProfile::Service => 10,
        })
    }

    pub fn sessions_per_hour(&self) -> u32 {
        self.limit_sessions_per_hour.unwrap_or(match self.limits {
            LimitsProfile::Default => 0,
            LimitsProfile::Service => 10,
        })
    }

    /// The data directory: the flag, else `$XDG_DATA_HOME/pglet-rs` (or the OS equivalent).
    pub fn resolved_data_dir(&self) -> PathBuf {
        match &self.data_dir {
            Some(d) => d.clone(),
            None => default_data_dir(),
        }
    }
}

/// `$XDG_DATA_HOME/pglet-rs` (or the OS equivalent): where pages live by default.
pub fn default_data_dir() -> PathBuf {
    dirs::data_local_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("pglet-rs")
}

/// Parses a duration such as `90s`, `15m`, `6h`, `7d` (a bare number is seconds); `0` means
/// "never" and is returned as zero.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid duration '{s}' (use e.g. 90s, 15m, 6h, 7d)"))?;
    if unit == "ms" {
        return Ok(std::time::Duration::from_millis(n));
    }
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

/// Maps the reference's `PGLET_*_LIFETIME_MINUTES` variables onto ours when ours are unset.
pub fn apply_reference_env() {
    for (old, new) in [
        ("PGLET_PAGE_LIFETIME_MINUTES", "PGLET_PAGE_LIFETIME"),
        ("PGLET_APP_LIFETIME_MINUTES", "PGLET_APP_LIFETIME"),
    ] {
        if std::env::var_os(new).is_none() {
            if let Ok(m) = std::env::var(old) {
                std::env::set_var(new, format!("{}m", m.trim()));
            }
        }
    }
}

/// Reads `pglet.toml` (the `--config`/`PGLET_CONFIG` path, else `./pglet.toml`) and exports
/// each `key = value` as `PGLET_<KEY>` unless that variable is already set, so the order
/// of precedence is: flag, environment, config file, default.
pub fn apply_config_file(args: &[String]) -> Result<Option<PathBuf>, String> {
    let explicit = args
        .windows(2)
        .find(|w| w[0] == "--config")
        .map(|w| PathBuf::from(&w[1]))
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--config=").map(PathBuf::from))
        })
        .or_else(|| std::env::var_os("PGLET_CONFIG").map(PathBuf::from));
    let path = match explicit {
        Some(p) => p,
        None if Path::new("pglet.toml").exists() => PathBuf::from("pglet.toml"),
        None => return Ok(None),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    for (k, v) in table {
        let var = match k.as_str() {
            "port" => "PGLET_SERVER_PORT".to_string(),
            "host" => "PGLET_SERVER_HOST".to_string(),
            _ => format!("PGLET_{}", k.to_uppercase().replace(['-', '.'], "_")),
        };
        let value = match v {
            toml::Value::String(s) => s,
            toml::Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        };
        if std::env::var_os(&var).is_none() {
            std::env::set_var(var, value);
        }
    }
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(super::parse_duration("6h").unwrap().as_secs(), 21600);
        assert_eq!(super::parse_duration("7d").unwrap().as_secs(), 604800);
        assert_eq!(super::parse_duration("0").unwrap().as_secs(), 0);
        assert_eq!(super::parse_duration("250ms").unwrap().as_millis(), 250);
        assert!(super::parse_duration("5y").is_err());
        assert!(super::parse_duration("").is_err());
    }
}
