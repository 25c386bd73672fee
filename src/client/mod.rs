//! The host side for Bash and other pipe users: `pglet page` / `pglet app` (short-lived CLIs)
//! and the background proxy daemon (`pglet client`) that owns the command/event pipes and
//! speaks the WebSocket host protocol to servers.

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

pub fn page_main(args: PageArgs) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("pglet page: not implemented yet")
}

pub fn app_main(args: AppArgs) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("pglet app: not implemented yet")
}

pub fn daemon_main(args: DaemonArgs) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("pglet client: not implemented yet")
}
