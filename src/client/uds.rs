//! The `--uds` transport (spec 3.4): Unix stream sockets `$TMPDIR/CoreFxPipe_<pipe>` for
//! commands and `...events` for events. On a command connection each read is one command
//! text (merged writes are split as on a FIFO); replies go back on the same connection.

use super::pipe::Pipe;
use super::pipe::{spawn_thread, Answer, Closed};
use crate::protocol::Command;
use parking_lot::Mutex;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;

type Conns = Arc<Mutex<Vec<UnixStream>>>;

pub fn start(pipe: Arc<Pipe>) {
    let conns: Conns = Arc::default();
    let cmd = match UnixListener::bind(&pipe.cmd_path) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(pipe = %pipe.name, "cannot listen on {}: {e}", pipe.cmd_path.display());
            pipe.close(Closed::ByScript);
            return;
        }
    };
    let ev = match UnixListener::bind(&pipe.ev_path) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(pipe = %pipe.name, "cannot listen on {}: {e}", pipe.ev_path.display());
            pipe.close(Closed::ByScript);
            return;
        }
    };
    let (p, c) = (pipe.clone(), conns.clone());
    spawn_thread("uds-commands", move || accept(cmd, p, c, true));
    let (p, c) = (pipe.clone(), conns.clone());
    spawn_thread("uds-events", move || accept(ev, p, c, false));
    // Both kinds of stop end every connection and the listeners.
    for stop in [pipe.stop_cmd.clone(), pipe.stop_ev.clone()] {
        let (p, c) = (pipe.clone(), conns.clone());
        spawn_thread("uds-stop", move || {
            stop.wait();
            for s in c.lock().iter() {
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
            // Wakes the accept loops, which then see the flag.
            let _ = UnixStream::connect(&p.cmd_path);
            let _ = UnixStream::connect(&p.ev_path);
        });
    }
}

fn accept(listener: UnixListener, pipe: Arc<Pipe>, conns: Conns, commands: bool) {
    for stream in listener.incoming() {
        let stopped = if commands {
            pipe.stop_cmd.is_set()
        } else {
            pipe.stop_ev.is_set()
        };
        if stopped {
            return;
        }
        let Ok(stream) = stream else { continue };
        if let Ok(c) = stream.try_clone() {
            conns.lock().push(c);
        }
        let p = pipe.clone();
        if commands {
            spawn_thread("uds-command", move || serve_commands(stream, p));
        } else {
            spawn_thread("uds-event", move || serve_events(stream, p));
        }
    }
}

fn serve_commands(mut stream: UnixStream, pipe: Arc<Pipe>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut batch: Option<Vec<Command>> = None;
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut out = Replies(stream.try_clone().ok());
        let go_on = pipe.block_on(pipe.run_text(&buf[..n], &mut batch, &mut out));
        if !go_on || pipe.stop_cmd.is_set() {
            return;
        }
    }
}

/// Replies go back on the command connection.
struct Replies(Option<UnixStream>);

impl Answer for Replies {
    async fn answer(&mut self, text: &str) -> bool {
        match self.0.as_mut() {
            Some(s) => s.write_all(text.as_bytes()).is_ok(),
            None => false,
        }
    }
}

fn serve_events(mut stream: UnixStream, pipe: Arc<Pipe>) {
    while let Some(line) = pipe.events.front(&pipe.stop_ev) {
        let mut text = line.into_bytes();
        text.push(b'\n');
        if stream.write_all(&text).is_err() {
            return;
        }
        pipe.events.pop();
    }
}
