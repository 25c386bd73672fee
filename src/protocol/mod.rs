//! The text command language of Pglet: parsing command text into [`Command`]s, splitting
//! merged pipe input into commands, and framing replies (`<n> value` / `error <msg>`).

pub mod command;
mod json_fields;
mod lexer;
pub mod parse;
pub mod reply;

pub use command::Command;
pub use parse::{parse, parse_line, split_commands};
