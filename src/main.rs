//! The `pglet` binary: `pglet server`, `pglet page`, `pglet app` and the hidden proxy daemon.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "pglet",
    version,
    about = "Persistent Pglet-compatible UI server"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Log level (error, warn, info, debug, trace).
    #[arg(
        short = 'l',
        long,
        global = true,
        env = "PGLET_LOG_LEVEL",
        default_value = "info"
    )]
    log_level: String,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// The data directory (default: the server's default).
    #[arg(long, env = "PGLET_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
}

fn inspect(a: InspectArgs) -> anyhow::Result<()> {
    let dir = a.data_dir.unwrap_or_else(pglet::config::default_data_dir);
    for r in pglet::store::inspect::report(&dir)? {
        println!("{}", serde_json::to_string(&r)?);
    }
    Ok(())
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Server(pglet::config::ServerArgs),
    /// Connect a shared page; prints `<command-pipe> <page-url>`.
    Page(pglet::client::PageArgs),
    /// Serve an app; prints the page URL, then a command pipe per new session.
    App(pglet::client::AppArgs),
    /// List what a data directory holds (one JSON line per session); the server must be stopped.
    Inspect(InspectArgs),
    /// The background pipe proxy (started by `pglet page`/`pglet app` on demand).
    #[command(hide = true)]
    Client(pglet::client::DaemonArgs),
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Before clap reads the environment: the config file and the reference's variable names.
    let config = pglet::config::apply_config_file(&args);
    pglet::config::apply_reference_env();
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match config {
        Ok(Some(p)) => tracing::info!("configuration read from {}", p.display()),
        Ok(None) => {}
        Err(e) => {
            eprintln!("pglet: config file: {e}");
            std::process::exit(2);
        }
    }
    let res = match cli.cmd {
        Cmd::Server(a) => pglet::server::run_blocking(a),
        Cmd::Page(a) => pglet::client::page_main(a),
        Cmd::App(a) => pglet::client::app_main(a),
        Cmd::Client(a) => pglet::client::daemon_main(a),
        Cmd::Inspect(a) => inspect(a),
    };
    if let Err(e) = res {
        eprintln!("pglet: {e:#}");
        std::process::exit(1);
    }
}
