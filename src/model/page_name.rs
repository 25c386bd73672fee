//! Page names: `[account/]name`, normalised as the reference does (spec section 2): hosts may
//! send any text, which is slugged into a URL-safe `account/name`; browsers send that
//! normalised form back and it is used verbatim.

use rand::Rng;

const MAX_PART_LEN: usize = 60;
const DEFAULT_ACCOUNT: &str = "p";
const FORMAT_ERROR: &str = "Page name must be in format {page} or {namespace}/{page}";

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
    ///
    /// Like the reference, an empty name is accepted (`""` gives `p/`); refusing it is left to
    /// the layers that create pages.
    pub fn parse(input: &str) -> Result<PageName, String> {
        let cleaned = input.replace('\\', "/");
        let cleaned = cleaned.trim_matches('/').to_lowercase();
        let (account, name) = match cleaned.split_once('/') {
            None => (DEFAULT_ACCOUNT, cleaned.as_str()),
            Some((_, rest)) if rest.contains('/') => return Err(FORMAT_ERROR.into()),
            Some(parts) => parts,
        };
        let account = slug(account);
        let name = slug(&expand_stars(name));
        if account.len() > MAX_PART_LEN {
            return Err(too_long("account"));
        }
        if name.len() > MAX_PART_LEN {
            return Err(too_long("page"));
        }
        Ok(PageName { account, name })
    }

    /// Splits a name that is already normalised (what browsers send) without changing it, so
    /// that lookups are verbatim as in the reference (`P/QD` does not find `p/qd`). `None`
    /// when there is no `/`: no page can have such a name.
    pub fn parse_exact(full: &str) -> Option<PageName> {
        let (account, name) = full.split_once('/')?;
        Some(PageName {
            account: account.to_string(),
            name: name.to_string(),
        })
    }
}

fn too_long(what: &str) -> String {
    format!("{what} name exceeds the maximum allowed size of {MAX_PART_LEN} symbols")
}

/// Every `*` becomes the same random 16-character `[0-9a-z]` string.
fn expand_stars(name: &str) -> String {
    if !name.contains('*') {
        return name.to_string();
    }
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    let random: String = (0..16)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    name.replace('*', &random)
}

/// gosimple/slug v1.12 `Make` (language "en"): its default substitutions drop quotes and turn
/// long dashes into `-`, "en" spells out `&` and `@`; then transliteration, lower case, every
/// other character to `-`, runs of `-` collapsed, `-`/`_` trimmed at both ends.
fn slug(s: &str) -> String {
    let mut substituted = String::with_capacity(s.len());
    for c in s.trim().chars() {
        match c {
            '"' | '\'' | '\u{2019}' => {}
            '\u{2012}'..='\u{2015}' => substituted.push('-'),
            '&' => substituted.push_str("and"),
            '@' => substituted.push_str("at"),
            _ => substituted.push(c),
        }
    }
    let ascii = transliterate(&substituted);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches(['-', '_']).to_string()
}

/// The reference's transliteration table covers only the Basic Multilingual Plane and maps
/// what it lacks to nothing, so emoji and other astral characters vanish rather than being
/// spelled out as deunicode would (`😀` → `grinning`). Within the BMP deunicode's table is a
/// newer edition of the same data; it still spells out a few symbols the reference drops
/// (`™`, `℃`, `①`, `☺`, `✓`) and writes `€` as `EUR` where the reference writes `EU`.
fn transliterate(s: &str) -> String {
    let bmp: String = s.chars().filter(|&c| c <= '\u{FFFF}').collect();
    deunicode::deunicode_with_tofu(&bmp, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(input: &str) -> String {
        PageName::parse(input)
            .unwrap_or_else(|e| panic!("{input:?}: {e}"))
            .full()
    }

    #[test]
    fn observed_examples() {
        for (input, want) in [
            ("WS Page", "p/ws-page"),
            ("Hello World", "p/hello-world"),
            ("Ns1/My Page!", "ns1/my-page"),
            ("a&b", "p/aandb"),
            ("@#$", "p/at"),
            ("Привет мир", "p/privet-mir"),
            ("UPPER_case-Name.v2", "p/upper_case-name-v2"),
            ("\\ns\\page\\", "ns/page"),
            ("/Lead/Trail/", "lead/trail"),
            ("  spaced  ", "p/spaced"),
            ("p/index", "p/index"),
            ("vec-basic", "p/vec-basic"),
            ("", "p/"),
            ("/", "p/"),
            ("a/", "p/a"),
        ] {
            assert_eq!(full(input), want, "{input:?}");
        }
    }

    #[test]
    fn observed_transliteration_and_punctuation() {
        for (input, want) in [
            ("a😀b", "p/ab"),
            ("a\u{e000}b", "p/ab"),
            ("Ærø", "p/aero"),
            ("straße", "p/strasse"),
            ("日本語", "p/ri-ben-yu"),
            ("a--b__", "p/a-b"),
            ("_a_", "p/a"),
            ("A.B", "p/a-b"),
            ("ÆØ/Ü", "aeo/u"),
            ("a\u{301}b", "p/ab"),
            ("ｆｕｌｌ", "p/full"),
            ("x y\tz", "p/x-y-z"),
            ("a\u{a0}b", "p/a-b"),
            ("a'b\"c", "p/abc"),
            ("ǅ", "p/dz"),
            ("ﬁ", "p/fi"),
            ("İstanbul", "p/istanbul"),
            ("Ⅻ", "p/xii"),
            ("\u{3000}a\u{3000}", "p/a"),
            ("a\u{2014}b\u{2019}c", "p/a-bc"),
            ("a𝔘b𠀋c", "p/abc"),
            ("a→b", "p/a-b"),
            ("a½b", "p/a1-2b"),
            ("a°b", "p/adegb"),
            ("a¥b", "p/ay-b"),
            ("aþb", "p/athb"),
            ("a₂b", "p/a2b"),
        ] {
            assert_eq!(full(input), want, "{input:?}");
        }
    }

    #[test]
    fn star_in_account_is_slugged_away() {
        assert_eq!(full("ns*/x"), "ns/x");
        assert_eq!(full(" /x"), "/x");
    }

    #[test]
    fn stars_become_one_random_string() {
        let p = PageName::parse("*").unwrap();
        assert_eq!(p.account, "p");
        assert_eq!(p.name.len(), 16);
        assert!(p
            .name
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));

        let p = PageName::parse("x*y*").unwrap();
        let rnd = &p.name[1..17];
        assert_eq!(p.name, format!("x{rnd}y{rnd}"));
        assert_eq!(PageName::parse("ns/*").unwrap().account, "ns");
        assert_ne!(PageName::parse("*").unwrap(), PageName::parse("*").unwrap());
    }

    #[test]
    fn two_slashes_are_rejected() {
        for input in ["a/b/c", "a//b", "\\a\\b\\c\\"] {
            assert_eq!(
                PageName::parse(input).unwrap_err(),
                FORMAT_ERROR,
                "{input:?}"
            );
        }
    }

    #[test]
    fn length_limits() {
        assert_eq!(
            PageName::parse(&"x".repeat(61)).unwrap_err(),
            "page name exceeds the maximum allowed size of 60 symbols"
        );
        let y60 = "y".repeat(60);
        assert_eq!(full(&format!("ns/{y60}")), format!("ns/{y60}"));
        assert_eq!(
            PageName::parse(&format!("{}/x", "a".repeat(61))).unwrap_err(),
            "account name exceeds the maximum allowed size of 60 symbols"
        );
        // Checked on the slug, not the input.
        assert_eq!(
            full(&format!("{}!!!", "z".repeat(60))),
            format!("p/{}", "z".repeat(60))
        );
    }

    #[test]
    fn exact_names_are_split_verbatim() {
        let p = PageName::parse_exact("P/QD").unwrap();
        assert_eq!((p.account.as_str(), p.name.as_str()), ("P", "QD"));
        assert_eq!(PageName::parse_exact("p/").unwrap().full(), "p/");
        assert_eq!(PageName::parse_exact("a/b/c").unwrap().full(), "a/b/c");
        assert_eq!(PageName::parse_exact("qd"), None);
    }
}
