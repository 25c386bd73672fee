//! The page model: controls, the per-session control tree with its one mutation path
//! ([`Tree::apply`]), the events that path consumes, and page names.

pub mod children;
pub mod control;
pub mod controls;
pub mod event;
pub mod page_name;
pub mod props;
pub mod small_str;
pub mod tree;

pub use children::Children;
pub use control::Control;
pub use event::Event;
pub use page_name::PageName;
pub use props::Props;
pub use small_str::SmallStr;
pub use tree::Tree;
