//! What `pglet page` / `pglet app` do before asking for pipes: turn `--server` into a base
//! URL, start a local `pglet server` when none is given and none answers, find out whether
//! that server serves pipes itself, open a browser.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// `host:port` → `http://host:port`; trailing `/` trimmed (reference rules).
pub fn normalize_server(s: &str) -> String {
    let s = s.trim().trim_end_matches('/');
    if s.contains("://") {
        s.to_string()
    } else {
        format!("http://{s}")
    }
}

/// The default server: `http://localhost:<PGLET_SERVER_PORT or 8550>`.
pub fn default_server() -> (String, u16) {
    let port = std::env::var("PGLET_SERVER_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8550);
    (format!("http://localhost:{port}"), port)
}

fn answers(host: &str, port: u16) -> bool {
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|a| TcpStream::connect_timeout(&a, Duration::from_millis(300)).is_ok())
}

/// Starts `pglet server --port PORT` in the background (default data dir, its own process
/// group, log in `$TMPDIR/pglet-rs-server.log`) unless something answers on localhost:PORT.
pub fn ensure_local_server(port: u16) -> anyhow::Result<()> {
    if answers("localhost", port) {
        return Ok(());
    }
    let log_path = std::env::temp_dir().join("pglet-rs-server.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)?;
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.args(["server", "--port", &port.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    eprintln!(
        "pglet: started a server on http://localhost:{port} (pid {}, log: {})",
        child.id(),
        log_path.display()
    );
    // Recovering a large store takes a moment; the server logs its progress.
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if answers("localhost", port) {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            anyhow::bail!(
                "the server exited at start ({status}); see {}",
                log_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    anyhow::bail!("the server did not start; see {}", log_path.display())
}

/// The control socket of a server on this machine that serves pipes itself, if it does and
/// runs as our user (its FIFOs must be ours). `PGLET_DIRECT_PIPES=false` asks for the proxy.
pub fn direct_pipes(server: &str) -> Option<std::os::unix::net::UnixStream> {
    use std::io::{Read, Write};
    let off = std::env::var("PGLET_DIRECT_PIPES")
        .is_ok_and(|v| v == "0" || v.eq_ignore_ascii_case("false"));
    if off {
        return None;
    }
    let authority = server.strip_prefix("http://")?.split('/').next()?;
    let (host, port) = authority.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return None;
    }
    let port: u16 = port.parse().ok()?;
    let addr = (host, port).to_socket_addrs().ok()?.next()?;
    let mut tcp = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    tcp.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let ask = format!("GET /api/pipes HTTP/1.0\r\nHost: {authority}\r\n\r\n");
    tcp.write_all(ask.as_bytes()).ok()?;
    let mut resp = String::new();
    tcp.read_to_string(&mut resp).ok()?;
    let (head, body) = resp.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let sock = std::os::unix::net::UnixStream::connect(v["socket"].as_str()?).ok()?;
    same_user(&sock).then_some(sock)
}

/// Whether the process at the other end of a Unix socket runs as our user (both ends of the
/// direct-pipes socket ask: FIFOs are created and read on the other's behalf).
pub fn same_user(s: &impl std::os::fd::AsRawFd) -> bool {
    let mut cred = libc::ucred {
        pid: 0,
        uid: u32::MAX,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: SO_PEERCRED fills a ucred of `len` bytes.
    let ok = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    } == 0;
    // SAFETY: getuid cannot fail.
    ok && cred.uid == unsafe { libc::getuid() }
}

/// Opens the page in the desktop's browser, quietly; nothing happens without one.
pub fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_urls() {
        assert_eq!(
            super::normalize_server("localhost:8550/"),
            "http://localhost:8550"
        );
        assert_eq!(super::normalize_server("http://h:1"), "http://h:1");
    }
}
