//! The host side for Bash and other pipe users: `pglet page` / `pglet app` (short-lived CLIs)
//! and the background proxy daemon (`pglet client`) that owns the command/event pipes and
//! speaks the WebSocket host protocol to servers.

mod cmdfifo;
pub mod control;
mod daemon;
mod events;
mod fifo;
pub(crate) mod launch;
pub mod link;
pub mod pipe;
mod registration;
pub mod service;
mod uds;

use clap::Args;

/// `pglet page [ns/]NAME`: connect a shared page, print `<command-pipe> <page-url>`, exit.
#[derive(Debug, Clone, Args)]
pub struct PageArgs {
    /// Page name, `[namespace/]name`; `*` in the name becomes a random string.
    pub name: Option<String>,
    #[command(flatten)]
    pub common: ConnectArgs,
    /// Keep the page's content instead of cleaning it.
    #[arg(short = 'u', long)]
    pub update: bool,
    /// How long the page lives after its last update (`30d`, `6h`, `90s`; `0` = never).
    #[arg(long)]
    pub lifetime: Option<String>,
}

/// `pglet app [ns/]NAME`: print the page URL, then one command-pipe path per new session.
#[derive(Debug, Clone, Args)]
pub struct AppArgs {
    pub name: Option<String>,
    #[command(flatten)]
    pub common: ConnectArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Server URL; default http://localhost:8550 (started in the background if not running).
    #[arg(short = 's', long)]
    pub server: Option<String>,
    /// Use the hosted service.
    #[arg(long)]
    pub web: bool,
    /// Host auth token (PGLET_HOST_CLIENTS_AUTH_TOKEN of the server).
    #[arg(short = 't', long, env = "PGLET_TOKEN")]
    pub token: Option<String>,
    #[arg(long)]
    pub permissions: Option<String>,
    /// Also deliver `page change ...` events on the event pipe.
    #[arg(long)]
    pub all_events: bool,
    /// Emit `timer tick` on the event pipe every MS milliseconds.
    #[arg(long, value_name = "MS")]
    pub ticker: Option<u64>,
    /// Unix domain sockets instead of FIFOs.
    #[arg(long)]
    pub uds: bool,
    /// Do not open a browser window.
    #[arg(long)]
    pub no_window: bool,
    #[arg(long)]
    pub window: Option<String>,
}

/// The hidden `pglet client` daemon.
#[derive(Debug, Clone, Args)]
pub struct DaemonArgs {}

impl ConnectArgs {
    /// The server base URL; without `--server`, the local default one (started if needed).
    fn server(&self) -> anyhow::Result<String> {
        if self.web {
            anyhow::bail!(
                "the hosted service (--web) is not supported by this build; use --server URL"
            );
        }
        match &self.server {
            Some(s) => Ok(launch::normalize_server(s)),
            None => {
                let (url, port) = launch::default_server();
                launch::ensure_local_server(port)?;
                Ok(url)
            }
        }
    }

    fn connect(&self, name: &Option<String>) -> anyhow::Result<control::Connect> {
        Ok(control::Connect {
            server: self.server()?,
            name: name.clone().unwrap_or_else(|| "*".into()),
            token: self.token.clone().unwrap_or_default(),
            permissions: self.permissions.clone().unwrap_or_default(),
            all_events: self.all_events,
            ticker_ms: self.ticker,
            uds: self.uds,
            tmp: Some(std::env::temp_dir().display().to_string()),
            ..Default::default()
        })
    }
}

/// Asks the server itself when it serves pipes on this machine, else the proxy daemon.
/// Only shared pages on FIFOs go direct: the server keeps those across its own restart,
/// while a `pglet app` (its control connection) and `--uds` sockets would die with it; the
/// proxy outlives a server restart and re-registers them.
fn channel(server: &str, req: &control::Request) -> anyhow::Result<control::Channel> {
    let direct = matches!(req, control::Request::Page(c) if !c.uds);
    if let Some(s) = direct.then(|| launch::direct_pipes(server)).flatten() {
        return Ok(control::Channel::send_on(s, req)?);
    }
    let paths = control::Paths::new();
    control::ensure_daemon(&paths)?;
    Ok(control::Channel::send(&paths, req)?)
}

pub fn page_main(args: PageArgs) -> anyhow::Result<()> {
    let mut c = args.common.connect(&args.name)?;
    c.update = args.update;
    c.lifetime = args.lifetime.clone();
    let server = c.server.clone();
    let mut ch = channel(&server, &control::Request::Page(c))?;
    let rep = ch
        .next_reply()?
        .ok_or_else(|| anyhow::anyhow!("the pipe proxy closed the connection"))?;
    if !rep.error.is_empty() {
        anyhow::bail!("{}", rep.error);
    }
    println!("{} {}", rep.pipe, rep.url);
    if !args.common.no_window {
        launch::open_browser(&rep.url);
    }
    Ok(())
}

pub fn app_main(args: AppArgs) -> anyhow::Result<()> {
    use std::io::Write;
    let c = args.common.connect(&args.name)?;
    let server = c.server.clone();
    let mut ch = channel(&server, &control::Request::App(c))?;
    let mut out = std::io::stdout();
    let mut first = true;
    while let Some(rep) = ch.next_reply()? {
        if !rep.error.is_empty() {
            anyhow::bail!("{}", rep.error);
        }
        if first {
            writeln!(out, "{}", rep.url)?;
            if !args.common.no_window {
                launch::open_browser(&rep.url);
            }
            first = false;
        } else {
            writeln!(out, "{}", rep.pipe)?;
        }
        out.flush()?;
    }
    anyhow::bail!("the pipe proxy stopped")
}

pub fn daemon_main(_args: DaemonArgs) -> anyhow::Result<()> {
    daemon::run()
}
