//! Browser-side actions: `registerWebClient` (full state), `pageEventFromWeb`,
//! `updateControlProps`, and a browser going away.

use super::conn::Conn;
use super::session::Session;
use super::state::{Page, State, SHARED_SESSION};
use crate::wire::{self, Message};
use std::sync::Arc;

const NOT_FOUND: &str = "Page not found or application is not running.";

#[derive(serde::Serialize)]
struct RegisterError<'a> {
    session: Option<()>,
    error: &'a str,
    #[serde(rename = "signinOptions")]
    signin_options: Option<()>,
}

#[derive(serde::Serialize)]
struct SigninRequired {
    session: Option<()>,
    error: &'static str,
    #[serde(rename = "signinOptions")]
    signin_options: wire::SigninOptions,
}

/// `signin_required` with the providers a permission list names (`provider:who`; an entry
/// without a provider allows all three; `/` in `who` means a group).
fn signin_required(id: &str, permissions: &str) -> String {
    let mut o = wire::SigninOptions {
        github_enabled: false,
        github_group_scope: false,
        azure_enabled: false,
        azure_group_scope: false,
        google_enabled: false,
        google_group_scope: false,
    };
    for item in permissions
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (provider, who) = item.split_once(':').unwrap_or(("", item));
        let group = who.contains('/');
        let p = provider.trim().to_lowercase();
        if p.is_empty() || p == "github" {
            o.github_enabled = true;
            o.github_group_scope |= group;
        }
        if p.is_empty() || p == "azure" {
            o.azure_enabled = true;
            o.azure_group_scope |= group;
        }
        if p.is_empty() || p == "google" {
            o.google_enabled = true;
            o.google_group_scope |= group;
        }
    }
    let payload = SigninRequired {
        session: None,
        error: "signin_required",
        signin_options: o,
    };
    Message::new(id, wire::actions::REGISTER_WEB_CLIENT, payload).to_json()
}

fn error_reply(id: &str, error: &str) -> String {
    let payload = RegisterError {
        session: None,
        error,
        signin_options: None,
    };
    Message::new(id, wire::actions::REGISTER_WEB_CLIENT, payload).to_json()
}

/// The full state of a session as the `registerWebClient` reply (also used to resync a
/// browser that fell behind).
pub fn full_state_frame(
    state: &State,
    conn: &Conn,
    id: &str,
    session: &Session,
    inner: &super::session::Inner,
) -> String {
    let token = state.sealer.seal(&session.id, &conn.ip);
    format!(
        r#"{{"id":{},"action":"registerWebClient","payload":{{"session":{{"id":{},"controls":{}}},"error":"","signinOptions":null}}}}"#,
        serde_json::to_string(id).unwrap_or_else(|_| "\"\"".into()),
        serde_json::to_string(&token).unwrap_or_else(|_| "\"\"".into()),
        Session::controls_json(inner)
    )
}

pub fn register(
    state: &State,
    conn: &Conn,
    id: &str,
    payload: serde_json::Value,
) -> Result<(), String> {
    if let Err(e) = register_inner(state, conn, id, payload) {
        conn.send(error_reply(id, &e));
    }
    Ok(())
}

fn register_inner(
    state: &State,
    conn: &Conn,
    id: &str,
    payload: serde_json::Value,
) -> Result<(), String> {
    let req: wire::RegisterWebClientRequest = serde_json::from_value(payload)
        .map_err(|e| format!("invalid registerWebClient payload: {e}"))?;
    let page = state.page(&req.page_name).ok_or(NOT_FOUND)?;
    // No sign-in providers are configured, so nobody can satisfy a permission list: the
    // browser is told which providers the page names, as the reference does.
    let perms = page.meta.lock().permissions.clone();
    if !perms.trim().is_empty() {
        conn.send(signin_required(id, &perms));
        return Ok(());
    }
    let (session, created) = if page.is_app() {
        app_session(state, conn, &page, &req)?
    } else {
        (page.session(SHARED_SESSION).ok_or(NOT_FOUND)?, false)
    };
    // Attach and take the state under one lock, so no update falls between the two.
    {
        let mut inner = session.lock();
        inner.browsers.push(conn.web_peer());
        inner.accessed_ms = crate::store::now_ms();
        conn.send(full_state_frame(state, conn, id, &session, &inner));
        if !created {
            session.to_hosts(&inner, "page", "connect", "");
        }
    }
    *conn.browsing.lock() = Some((page, session));
    Ok(())
}

/// Finds the app session a browser re-joins with its cookie, or starts a new one.
fn app_session(
    state: &State,
    conn: &Conn,
    page: &Arc<Page>,
    req: &wire::RegisterWebClientRequest,
) -> Result<(Arc<Session>, bool), String> {
    let first_host = page.hosts.lock().first().cloned();
    let Some(host) = first_host else {
        return Err(wire::APP_INACTIVE_MESSAGE.into());
    };
    if !req.session_id.is_empty() {
        let sid = state.sealer.open(&req.session_id, &conn.ip).map_err(|e| {
            format!(
                "error decrypting request.SessionID {} from {}: {e}",
                req.session_id, conn.ip
            )
        })?;
        if let Some(s) = page.session(&sid) {
            let mut inner = s.lock();
            if inner.hosts.is_empty() {
                inner.hosts.push(host.clone());
            }
            drop(inner);
            return Ok((s, false));
        }
    }
    if let Err(n) = state.quotas.take(
        super::quota::Kind::Sessions,
        &conn.ip,
        crate::store::now_ms(),
    ) {
        return Err(format!(
            "A limit of {n} new sessions per hour has been reached"
        ));
    }
    let sid = uuid::Uuid::new_v4().to_string();
    let session = state.create_session(page, &sid)?;
    let props: Vec<(String, String)> = [
        ("hash", &req.page_hash),
        ("winwidth", &req.win_width),
        ("winheight", &req.win_height),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    if !props.is_empty() {
        let cmd = crate::protocol::Command {
            name: "set".into(),
            values: vec!["page".into()],
            attrs: props
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Default::default()
        };
        let _ = session.execute(&cmd);
    }
    session.lock().hosts.push(host.clone());
    host.send_str(
        Message::push(
            wire::actions::SESSION_CREATED,
            wire::SessionCreated {
                page_name: page.name.clone(),
                session_id: sid,
            },
        )
        .to_json(),
    );
    Ok((session, true))
}

fn current(conn: &Conn) -> Option<Arc<Session>> {
    conn.browsing.lock().as_ref().map(|(_, s)| s.clone())
}

pub fn event(conn: &Conn, payload: serde_json::Value) -> Result<(), String> {
    let ev: wire::PageEventFromWeb = serde_json::from_value(payload)
        .map_err(|e| format!("invalid pageEventFromWeb payload: {e}"))?;
    let session = current(conn).ok_or("pageEventFromWeb before registerWebClient")?;
    let inner = session.lock();
    session.to_hosts(&inner, &ev.event_target, &ev.event_name, &ev.event_data);
    Ok(())
}

pub fn update_props(conn: &Conn, payload: serde_json::Value) -> Result<(), String> {
    let p: wire::PropsPayload = serde_json::from_value(payload)
        .map_err(|e| format!("invalid updateControlProps payload: {e}"))?;
    let session = current(conn).ok_or("updateControlProps before registerWebClient")?;
    session.browser_write(conn.id, &p.props);
    Ok(())
}

pub fn disconnect(conn: &Conn) {
    let Some((_, session)) = conn.browsing.lock().take() else {
        return;
    };
    let mut inner = session.lock();
    inner.browsers.retain(|b| b.conn_id != conn.id);
    session.to_hosts(&inner, "page", "disconnect", "");
}
