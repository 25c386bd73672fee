//! The JSON WebSocket protocol of Pglet 0.7 (`GET /ws`): the envelope and every payload,
//! shared by the server and the pipe proxy. Field names and order match the reference's
//! frames byte for byte, because the Python client builds dataclasses from them with `**`.

use crate::protocol::Command;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod actions {
    pub const REGISTER_HOST_CLIENT: &str = "registerHostClient";
    pub const PAGE_COMMAND_FROM_HOST: &str = "pageCommandFromHost";
    pub const PAGE_COMMANDS_BATCH_FROM_HOST: &str = "pageCommandsBatchFromHost";
    pub const INACTIVE_APP_FROM_HOST: &str = "inactiveAppFromHost";
    pub const SESSION_CREATED: &str = "sessionCreated";
    pub const PAGE_EVENT_TO_HOST: &str = "pageEventToHost";
    pub const REGISTER_WEB_CLIENT: &str = "registerWebClient";
    pub const PAGE_EVENT_FROM_WEB: &str = "pageEventFromWeb";
    pub const UPDATE_CONTROL_PROPS: &str = "updateControlProps";
    pub const ADD_PAGE_CONTROLS: &str = "addPageControls";
    pub const REPLACE_PAGE_CONTROLS: &str = "replacePageControls";
    pub const APPEND_CONTROL_PROPS: &str = "appendControlProps";
    pub const CLEAN_CONTROL: &str = "cleanControl";
    pub const REMOVE_CONTROL: &str = "removeControl";
    pub const PAGE_CONTROLS_BATCH: &str = "pageControlsBatch";
    pub const APP_BECOME_INACTIVE: &str = "appBecomeInactive";
    pub const SESSION_CRASHED: &str = "sessionCrashed";
    pub const SIGNOUT: &str = "signout";
    /// Ours: sent to browsers of a page the sweeper expired (the reference had no such screen).
    pub const PAGE_EXPIRED: &str = "pageExpired";
}

/// Text every browser of an app without a host is shown (reference wording).
pub const APP_INACTIVE_MESSAGE: &str =
    "Application is inactive. Please try refreshing this page later.";

/// A frame as it arrives: every key optional, payload kept raw until the action is known.
#[derive(Debug, Deserialize)]
pub struct Incoming {
    #[serde(default, alias = "ID", alias = "Id")]
    pub id: Option<String>,
    #[serde(default, alias = "Action")]
    pub action: String,
    #[serde(default, alias = "Payload")]
    pub payload: serde_json::Value,
}

/// [`Incoming`] with the payload left as JSON text (the server's read path), so host
/// commands are parsed once, straight into their types.
#[derive(Debug, Deserialize)]
pub struct IncomingRaw<'a> {
    #[serde(default, alias = "ID", alias = "Id")]
    pub id: Option<String>,
    #[serde(default, alias = "Action")]
    pub action: String,
    #[serde(default, alias = "Payload", borrow)]
    pub payload: Option<&'a serde_json::value::RawValue>,
}

/// `null` reads as the default (the Python client sends `null` for unset strings).
fn nullable<'de, D: serde::Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A frame as it is sent: always all three keys, in this order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message<P> {
    pub id: String,
    pub action: String,
    pub payload: P,
}

impl<P: Serialize> Message<P> {
    pub fn new(id: impl Into<String>, action: impl Into<String>, payload: P) -> Self {
        Message {
            id: id.into(),
            action: action.into(),
            payload,
        }
    }
    /// An unsolicited message (empty id).
    pub fn push(action: &str, payload: P) -> Self {
        Self::new("", action, payload)
    }
    /// A reply to a host request: the request's id and an empty action.
    pub fn reply(id: &str, payload: P) -> Self {
        Self::new(id, "", payload)
    }
    pub fn to_json(&self) -> String {
        // Serializing our own plain structs cannot fail; an empty frame would be ignored.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterHostClientRequest {
    #[serde(rename = "hostClientID")]
    pub host_client_id: String,
    #[serde(rename = "pageName")]
    pub page_name: String,
    #[serde(rename = "isApp")]
    pub is_app: bool,
    pub update: bool,
    #[serde(rename = "authToken")]
    pub auth_token: String,
    pub permissions: String,
    /// Ours: a lifetime the host asks for (`30d`, `6h`, `0` = never); absent = default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterHostClientResponse {
    #[serde(rename = "hostClientID")]
    pub host_client_id: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
    #[serde(rename = "pageName")]
    pub page_name: String,
    pub error: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageCommandRequest {
    #[serde(rename = "pageName", deserialize_with = "nullable")]
    pub page_name: String,
    #[serde(rename = "sessionID", deserialize_with = "nullable")]
    pub session_id: String,
    #[serde(deserialize_with = "nullable")]
    pub command: Command,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageCommandResponse {
    pub result: String,
    pub error: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageCommandsBatchRequest {
    #[serde(rename = "pageName", deserialize_with = "nullable")]
    pub page_name: String,
    #[serde(rename = "sessionID", deserialize_with = "nullable")]
    pub session_id: String,
    #[serde(deserialize_with = "nullable_commands")]
    pub commands: Vec<Command>,
}

fn nullable_commands<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Command>, D::Error> {
    Ok(Option::<Vec<Command>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageCommandsBatchResponse {
    /// `null` when execution failed (reference behaviour), `[]` when rejected up front.
    pub results: Option<Vec<String>>,
    pub error: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageNamePayload {
    #[serde(rename = "pageName")]
    pub page_name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionCreated {
    #[serde(rename = "pageName")]
    pub page_name: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct PageEventToHost {
    #[serde(rename = "pageName")]
    pub page_name: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
    #[serde(rename = "eventTarget")]
    pub event_target: String,
    #[serde(rename = "eventName")]
    pub event_name: String,
    #[serde(rename = "eventData")]
    pub event_data: String,
}

impl PageEventToHost {
    /// The event-pipe line: `<target> <name> <data>` (data verbatim, so empty data leaves a
    /// trailing space, as the reference).
    pub fn pipe_line(&self) -> String {
        format!(
            "{} {} {}",
            self.event_target, self.event_name, self.event_data
        )
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterWebClientRequest {
    #[serde(rename = "pageName", alias = "pagename")]
    pub page_name: String,
    #[serde(rename = "pageHash")]
    pub page_hash: String,
    #[serde(rename = "winWidth")]
    pub win_width: String,
    #[serde(rename = "winHeight")]
    pub win_height: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PageEventFromWeb {
    #[serde(rename = "eventTarget")]
    pub event_target: String,
    #[serde(rename = "eventName")]
    pub event_name: String,
    #[serde(rename = "eventData")]
    pub event_data: String,
}

/// One `{i, name: value...}` map of `updateControlProps` / `appendControlProps`. Keys sorted,
/// as Go marshals maps.
pub type PropsMap = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PropsPayload {
    #[serde(deserialize_with = "nullable_props")]
    pub props: Vec<PropsMap>,
}

fn nullable_props<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PropsMap>, D::Error> {
    Ok(Option::<Vec<Option<PropsMap>>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdsPayload {
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MessagePayload {
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SigninOptions {
    #[serde(rename = "gitHubEnabled")]
    pub github_enabled: bool,
    #[serde(rename = "gitHubGroupScope")]
    pub github_group_scope: bool,
    #[serde(rename = "azureEnabled")]
    pub azure_enabled: bool,
    #[serde(rename = "azureGroupScope")]
    pub azure_group_scope: bool,
    #[serde(rename = "googleEnabled")]
    pub google_enabled: bool,
    #[serde(rename = "googleGroupScope")]
    pub google_group_scope: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_frames_match_the_reference_layout() {
        let m = Message::reply(
            "c2",
            PageCommandResponse {
                result: "t1".into(),
                error: String::new(),
            },
        );
        assert_eq!(
            m.to_json(),
            r#"{"id":"c2","action":"","payload":{"result":"t1","error":""}}"#
        );
        let r = Message::reply(
            "c1",
            RegisterHostClientResponse {
                host_client_id: "x".into(),
                session_id: "0".into(),
                page_name: "p/ws-page".into(),
                error: String::new(),
            },
        );
        assert_eq!(
            r.to_json(),
            r#"{"id":"c1","action":"","payload":{"hostClientID":"x","sessionID":"0","pageName":"p/ws-page","error":""}}"#
        );
    }

    #[test]
    fn host_requests_read_null_as_empty() {
        let r: PageCommandRequest = serde_json::from_str(
            r#"{"pageName":"p/x","sessionID":null,"command":{"name":"set","values":["t",null],"attrs":{"value":"v","id":null},"lines":null,"commands":null}}"#,
        )
        .unwrap();
        assert_eq!(r.session_id, "");
        assert_eq!(r.command.values, vec!["t", ""]);
        assert_eq!(r.command.attrs.len(), 1);
        let b: PageCommandsBatchRequest =
            serde_json::from_str(r#"{"pageName":null,"sessionID":"0","commands":null}"#).unwrap();
        assert!(b.page_name.is_empty() && b.commands.is_empty());
        let c: PageCommandRequest =
            serde_json::from_str(r#"{"pageName":"p/x","command":null}"#).unwrap();
        assert_eq!(c.command, Command::default());
    }

    #[test]
    fn incoming_without_id_parses() {
        let m: Incoming = serde_json::from_str(
            r#"{"action":"pageEventFromWeb","payload":{"eventTarget":"b1","eventName":"click","eventData":"xyz"}}"#,
        )
        .unwrap();
        assert_eq!(m.id, None);
        let e: PageEventFromWeb = serde_json::from_value(m.payload).unwrap();
        assert_eq!(e.event_target, "b1");
        let r: IncomingRaw = serde_json::from_str(
            r#"{"action":"pageEventFromWeb","payload":{"eventTarget":"b1","eventName":"click","eventData":"xyz"}}"#,
        )
        .unwrap();
        let e: PageEventFromWeb = serde_json::from_str(r.payload.unwrap().get()).unwrap();
        assert_eq!(e.event_target, "b1");
    }
}
