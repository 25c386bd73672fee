//! Framing of replies on a command pipe: `<N> <result>\n`, N = newlines inside result.

/// A successful reply: `0 \n` for an empty result (note the space).
pub fn ok(result: &str) -> String {
    let n = result.matches('\n').count();
    format!("{n} {result}\n")
}

/// An error reply: `error <msg>\n`, no count.
pub fn error(msg: &str) -> String {
    format!("error {msg}\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn framing() {
        assert_eq!(super::ok(""), "0 \n");
        assert_eq!(super::ok("a\nb\nc"), "2 a\nb\nc\n");
        assert_eq!(super::error("boom"), "error boom\n");
    }
}
