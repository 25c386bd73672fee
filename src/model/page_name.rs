//! Page names: `[account/]name`, normalised as the reference does (spec section 2).

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageName {
    pub account: String,
    pub name: String,
}

impl PageName {
    /// `account/name`.
    pub fn full(&self) -> String {
        format!("{}/{}", self.account, self.name)
    }

    /// Normalises a host-given name; errors carry the reference's exact text.
    pub fn parse(input: &str) -> Result<PageName, String> {
        let _ = input;
        Err("not implemented".into())
    }
}
