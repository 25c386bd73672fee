//! Host-side actions: `registerHostClient`, `pageCommandFromHost`,
//! `pageCommandsBatchFromHost`, `inactiveAppFromHost`, and a host going away.

use super::conn::Conn;
use super::state::{Page, State, SHARED_SESSION};
use crate::model::{PageName, SmallStr};
use crate::protocol::Command;
use crate::wire::{
    self, Message, PageCommandResponse, PageCommandsBatchResponse, RegisterHostClientResponse,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use subtle::ConstantTimeEq;

const NO_PAGE: &str = "Page not found or access denied";
const NO_SESSION: &str = "Session not found or access denied";

/// Page props a host connecting without `update` resets (reference behaviour).
const RESET_PROPS: &[&str] = &[
    "verticalFill",
    "horizontalAlign",
    "verticalAlign",
    "gap",
    "padding",
    "bgcolor",
    "theme",
    "themePrimaryColor",
    "themeTextColor",
    "themeBackgroundColor",
];

fn refuse(page_name: &str, error: &str) -> RegisterHostClientResponse {
    RegisterHostClientResponse {
        page_name: page_name.into(),
        error: error.into(),
        ..Default::default()
    }
}

pub fn register(
    state: &State,
    conn: &Conn,
    id: &str,
    payload: serde_json::Value,
) -> Result<(), String> {
    let resp = match serde_json::from_value::<wire::RegisterHostClientRequest>(payload) {
        Ok(req) => register_inner(state, conn, req),
        Err(e) => refuse("", &format!("invalid registerHostClient payload: {e}")),
    };
    conn.send(Message::reply(id, resp).to_json());
    Ok(())
}

fn register_inner(
    state: &State,
    conn: &Conn,
    req: wire::RegisterHostClientRequest,
) -> RegisterHostClientResponse {
    if !conn.loopback && !state.settings.allow_remote_hosts {
        return refuse("", "remote host clients are not allowed");
    }
    if let Some(expected) = &state.settings.host_auth_token {
        if !bool::from(expected.as_bytes().ct_eq(req.auth_token.as_bytes())) {
            return refuse("", "invalid auth token");
        }
    }
    let parsed = match PageName::parse(&req.page_name) {
        Ok(n) => n,
        Err(e) => return refuse("", &e),
    };
    if parsed.name.is_empty() || parsed.account.is_empty() {
        return refuse("", "page name must not be empty");
    }
    let name = parsed.full();
    let lifetime = match req.lifetime.as_deref().map(crate::config::parse_duration) {
        Some(Ok(d)) => Some(d.as_secs()),
        Some(Err(e)) => return refuse(&name, &e),
        None => None,
    };
    // A host that shows the id we gave it for this page is reconnecting: keep the content.
    let reconnect = !req.host_client_id.is_empty()
        && state
            .sealer
            .open(&req.host_client_id, &conn.ip)
            .is_ok_and(|p| p == name);
    let page = match state.page(&name) {
        Some(p) => {
            if state.settings.check_page_ip && p.meta.lock().client_ip != conn.ip {
                return refuse(&name, "page name is already taken");
            }
            p
        }
        None => {
            let s = &state.settings;
            if s.reserved_accounts.contains(&parsed.account) || s.reserved_pages.contains(&name) {
                return refuse(&name, "account or page name is reserved");
            }
            // Counted only once the page is sure to be created (the reference counted
            // refused names against the quota too).
            if let Err(n) =
                state
                    .quotas
                    .take(super::quota::Kind::Pages, &conn.ip, crate::store::now_ms())
            {
                return refuse(
                    &name,
                    &format!("a limit of {n} new pages per hour has been reached"),
                );
            }
            match state.create_page(&name, req.is_app, lifetime, &conn.ip) {
                Ok(p) => p,
                Err(e) => return refuse(&name, &e),
            }
        }
    };
    {
        let mut m = page.meta.lock();
        if m.permissions != req.permissions {
            m.permissions.clone_from(&req.permissions);
            if let Err(e) = state.store.put_page(&m) {
                tracing::error!("storing page permissions: {e}");
            }
        }
    }
    if let Some(secs) = lifetime {
        let mut m = page.meta.lock();
        if m.lifetime_secs != Some(secs) {
            m.lifetime_secs = Some(secs);
            if let Err(e) = state.store.put_page(&m) {
                tracing::error!("storing page lifetime: {e}");
            }
        }
    }
    let session_id = if req.is_app && !page.is_app() {
        // page → app: the shared session goes (reference behaviour).
        state.delete_session(&page, SHARED_SESSION);
        let mut m = page.meta.lock();
        m.is_app = true;
        let _ = state.store.put_page(&m);
        String::new()
    } else if page.is_app() {
        String::new()
    } else {
        let session = match page.session(SHARED_SESSION) {
            Some(s) => s,
            None => match state.create_session(&page, SHARED_SESSION) {
                Ok(s) => s,
                Err(e) => return refuse(&name, &e),
            },
        };
        if !req.update && !reconnect {
            reset_page(&session);
        }
        add_host(&mut session.lock().hosts, conn);
        SHARED_SESSION.to_string()
    };
    if page.is_app() {
        let peer = conn.host_peer();
        add_host(&mut page.hosts.lock(), conn);
        // Sessions left without a host (restored after a restart, or whose host went)
        // are served by this one.
        for s in page.sessions.lock().values() {
            let mut inner = s.lock();
            if inner.hosts.is_empty() {
                inner.hosts.push(peer.clone());
            }
        }
    }
    {
        let mut hosted = conn.hosted.lock();
        if !hosted.contains(&name) {
            hosted.push(name.clone());
        }
    }
    RegisterHostClientResponse {
        host_client_id: state.sealer.seal(&name, &conn.ip),
        session_id,
        page_name: name,
        error: String::new(),
    }
}

/// A connection is one host of a page however often it registers (the pipe proxy registers
/// once per `pglet page` call over one socket): each event reaches it once.
fn add_host(hosts: &mut Vec<super::peer::Peer>, conn: &Conn) {
    if !hosts.iter().any(|h| h.conn_id == conn.id) {
        hosts.push(conn.host_peer());
    }
}

/// What a host connecting without `update` does to a shared page: clean it and reset the
/// layout props, as one batch browsers see as one message.
fn reset_page(session: &super::session::Session) {
    let clean = Command {
        name: "clean".into(),
        values: vec!["page".into()],
        ..Default::default()
    };
    let attrs: BTreeMap<SmallStr, SmallStr> = RESET_PROPS
        .iter()
        .map(|p| (p.to_lowercase().into(), SmallStr::default()))
        .collect();
    let set = Command {
        name: "set".into(),
        values: vec!["page".into()],
        attrs,
        ..Default::default()
    };
    let (res, _) = session.execute_batch(&[clean, set]);
    if let Err((e, _)) = res {
        tracing::error!("resetting page failed: {e}");
    }
}

/// Finds the session a host may command.
fn target(
    state: &State,
    conn: &Conn,
    page: &str,
    session: &str,
) -> Result<(Arc<Page>, Arc<super::session::Session>), String> {
    let Some(page) = state.page(page).filter(|_| conn.is_host_of(page)) else {
        return Err(state.expired_error(page).unwrap_or_else(|| NO_PAGE.into()));
    };
    let s = page
        .session(session)
        .ok_or_else(|| NO_SESSION.to_string())?;
    Ok((page, s))
}

pub fn command(state: &State, conn: &Conn, id: &str, payload: &str) {
    let req: wire::PageCommandRequest = match serde_json::from_str(payload) {
        Ok(r) => r,
        Err(e) => {
            let resp = PageCommandResponse {
                result: String::new(),
                error: format!("invalid pageCommandFromHost payload: {e}"),
            };
            conn.send(Message::reply(id, resp).to_json());
            return;
        }
    };
    let returns = req.command.returns_result()
        || !req.command.is_known()
        || req.command.name_lower() == "end";
    let (reply, ticket) = match target(state, conn, &req.page_name, &req.session_id) {
        Err(e) => (Err(e), None),
        Ok((page, session)) => {
            let ex = session.execute(&req.command);
            if let Some(msg) = ex.crash {
                end_session(state, &page, &session.id, &msg);
            }
            (ex.reply, ex.ticket)
        }
    };
    if !returns {
        conn.wrote(ticket);
        return;
    }
    let resp = match reply {
        Ok(result) => PageCommandResponse {
            result,
            error: String::new(),
        },
        Err(error) => PageCommandResponse {
            result: String::new(),
            error,
        },
    };
    let ticket = if state.settings.strict { ticket } else { None };
    conn.reply_after(ticket, Message::reply(id, resp).to_json());
}

pub fn batch(state: &State, conn: &Conn, id: &str, payload: &str) {
    let resp = match serde_json::from_str::<wire::PageCommandsBatchRequest>(payload) {
        Err(e) => (
            PageCommandsBatchResponse {
                results: Some(vec![]),
                error: format!("invalid pageCommandsBatchFromHost payload: {e}"),
            },
            None,
        ),
        Ok(req) => match target(state, conn, &req.page_name, &req.session_id) {
            Err(e) => (
                PageCommandsBatchResponse {
                    results: Some(vec![]),
                    error: e,
                },
                None,
            ),
            Ok((_, session)) => match session.execute_batch(&req.commands) {
                (Ok(results), t) => (
                    PageCommandsBatchResponse {
                        results: Some(results),
                        error: String::new(),
                    },
                    t,
                ),
                (Err((e, false)), _) => (
                    PageCommandsBatchResponse {
                        results: Some(vec![]),
                        error: e,
                    },
                    None,
                ),
                (Err((e, true)), _) => (
                    PageCommandsBatchResponse {
                        results: None,
                        error: e,
                    },
                    None,
                ),
            },
        },
    };
    let ticket = if state.settings.strict { resp.1 } else { None };
    conn.reply_after(ticket, Message::reply(id, resp.0).to_json());
}

/// The `error` command: browsers are told, the session ends (a shared page with it).
fn end_session(state: &State, page: &Page, session_id: &str, _msg: &str) {
    if page.is_app() {
        state.delete_session(page, session_id);
    } else {
        state.delete_page(&page.name);
    }
}

/// An app's host says it stopped serving (the pipe proxy's `pglet app` exited).
pub fn inactive_app(state: &State, conn: &Conn, payload: serde_json::Value) -> Result<(), String> {
    let p: wire::PageNamePayload = serde_json::from_value(payload)
        .map_err(|e| format!("invalid inactiveAppFromHost payload: {e}"))?;
    if !conn.is_host_of(&p.page_name) {
        return Err(NO_PAGE.into());
    }
    conn.hosted.lock().retain(|n| n != &p.page_name);
    if let Some(page) = state.page(&p.page_name) {
        drop_host(state, &page, conn.id);
    }
    Ok(())
}

/// Removes a host from a page; an app page whose last host left ends with all sessions.
fn drop_host(state: &State, page: &Arc<Page>, conn_id: u64) {
    for s in page.sessions.lock().values() {
        s.lock().hosts.retain(|h| h.conn_id != conn_id);
    }
    if !page.is_app() {
        return;
    }
    let remaining = {
        let mut hosts = page.hosts.lock();
        hosts.retain(|h| h.conn_id != conn_id);
        hosts.len()
    };
    // Sessions served by this host end at once (documented service rule).
    let orphaned: Vec<String> = page
        .sessions
        .lock()
        .values()
        .filter(|s| remaining == 0 || s.lock().hosts.is_empty())
        .map(|s| s.id.clone())
        .collect();
    let frame = Message::push(
        wire::actions::APP_BECOME_INACTIVE,
        wire::MessagePayload {
            message: wire::APP_INACTIVE_MESSAGE.into(),
        },
    )
    .to_json();
    for id in orphaned {
        if let Some(s) = state.delete_session(page, &id) {
            s.to_browsers(&frame);
        }
    }
    if remaining == 0 {
        state.delete_page(&page.name);
    }
}

/// A host connection closed.
pub fn disconnect(state: &State, conn: &Conn) {
    let pages: Vec<String> = std::mem::take(&mut *conn.hosted.lock());
    for name in pages {
        if let Some(page) = state.page(&name) {
            drop_host(state, &page, conn.id);
        }
    }
}
