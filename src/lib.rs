//! pglet-rs: a persistent, Pglet 0.7 wire-compatible UI server.
//!
//! Data flows one way: [`protocol`] (text commands) → [`engine`] (commands become events,
//! events change the [`model`] tree) → [`store`] (the durable sled event log) →
//! [`server`] (fan-out to browsers and hosts). [`client`] is the `pglet page` / `pglet app`
//! pipe proxy; [`wire`] holds the JSON WebSocket messages both sides speak.

pub mod client;
pub mod config;
pub mod engine;
pub mod model;
pub mod protocol;
pub mod server;
pub mod store;
pub mod wire;
