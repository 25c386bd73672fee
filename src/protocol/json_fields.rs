//! How a JSON command's `values`/`lines` and `attrs` are read: straight into strings, with
//! no `serde_json::Value` in between. A host's batch of 100 `set`s went through a map of
//! `Value`s per command, then a second map built from it (three ~600-byte allocations per
//! command); this reads each attr once into the map the command keeps.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// A string, or the text of a scalar where a string was expected (JSON hosts may send
/// numbers or booleans; the Go server would reject them, we take their text so a sloppy
/// client still works). `null` is empty; an array or object is its JSON text.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                // serde_json's own text for the number (`1.0`, not Rust's `1`).
                Ok(Scalar(serde_json::Value::from(v).to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Scalar, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(a))?;
                Ok(Scalar(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Scalar, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(a))?;
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `values` / `lines`: a list of strings (scalars taken as text), or `null`.
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v: Option<Vec<Scalar>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default().into_iter().map(|s| s.0).collect())
}

/// An attr's value: `Some` for a string, `None` (skipped) for anything else.
struct AttrValue(Option<String>);

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AttrValue, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrValue, E> {
                Ok(AttrValue(Some(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttrValue, E> {
                Ok(AttrValue(Some(v)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<AttrValue, E> {
                Ok(AttrValue(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<AttrValue, E> {
                Ok(AttrValue(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<AttrValue, E> {
                Ok(AttrValue(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<AttrValue, E> {
                Ok(AttrValue(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AttrValue, E> {
                Ok(AttrValue(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<AttrValue, E> {
                Ok(AttrValue(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<AttrValue, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(AttrValue(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<AttrValue, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AttrValue(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `attrs`: name → string value, or `null`. Attributes whose value is not a string are
/// ignored, as the reference did: the Python client sends its ids as `[value, dirty]`
/// pairs, which therefore get automatic ids there. A repeated name keeps its last value.
pub fn attrs<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map of attributes")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_map(V)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut m = BTreeMap::new();
            while let Some((k, v)) = a.next_entry::<String, AttrValue>()? {
                match v.0 {
                    Some(v) => m.insert(k, v),
                    None => m.remove(&k),
                };
            }
            Ok(m)
        }
    }
    d.deserialize_option(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "strings")]
        v: Vec<String>,
        #[serde(default, deserialize_with = "attrs")]
        a: BTreeMap<String, String>,
    }

    #[test]
    fn same_strings_and_attrs_as_going_through_values() {
        let t: T = serde_json::from_str(
            r#"{"v":["x",5,-2,1.0,2.5e20,true,null,[1,"a"],{"k":1}],
                "a":{"id":["f",true],"value":"v","size":3,"n":null,"o":{"p":1},"d":"1","d":2}}"#,
        )
        .unwrap();
        let old: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(
            r#"["x",5,-2,1.0,2.5e20,true,null,[1,"a"],{"k":1}]"#,
        )
        .unwrap()
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect();
        assert_eq!(t.v, old);
        assert_eq!(t.v[3], "1.0");
        assert_eq!(t.a.len(), 1, "{:?}", t.a);
        assert_eq!(t.a["value"], "v");
        let n: T = serde_json::from_str(r#"{"v":null,"a":null}"#).unwrap();
        assert!(n.v.is_empty() && n.a.is_empty());
        assert!(serde_json::from_str::<T>(r#"{"a":"x"}"#).is_err());
    }
}
