//! How a JSON command's `values`/`lines` and `attrs` are read: straight into strings, with
//! no `serde_json::Value` in between. A host's batch of 100 `set`s went through a map of
//! `Value`s per command, then a second map built from it (three ~600-byte allocations per
//! command); this reads each attr once into the map the command keeps.

use crate::model::SmallStr;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// One field value as a string. With `TEXT`, where a string was expected a scalar is taken
/// as its text (JSON hosts may send numbers or booleans; the Go server would reject them,
/// we take their text so a sloppy client still works), `null` as empty and an array or
/// object as its JSON text. Without `TEXT` (attrs) anything but a string is `None`, and
/// skipped without building text.
struct Field<const TEXT: bool>(Option<SmallStr>);

impl<const TEXT: bool> Field<TEXT> {
    fn other(text: impl FnOnce() -> String) -> Self {
        Field(TEXT.then(|| SmallStr::from(text())))
    }
}

impl<'de, const TEXT: bool> Deserialize<'de> for Field<TEXT> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const TEXT: bool>;
        impl<'de, const TEXT: bool> Visitor<'de> for V<TEXT> {
            type Value = Field<TEXT>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Field(Some(SmallStr::new(v))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Field(Some(v.into())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Field::other(|| v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Field::other(|| v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Field::other(|| v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // serde_json's own text for the number (`1.0`, not Rust's `1`).
                Ok(Field::other(|| serde_json::Value::from(v).to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Field::other(String::new))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Field::other(String::new))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                if TEXT {
                    let v =
                        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(a))?;
                    return Ok(Field(Some(v.to_string().into())));
                }
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Field(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                if TEXT {
                    let v =
                        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(a))?;
                    return Ok(Field(Some(v.to_string().into())));
                }
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Field(None))
            }
        }
        d.deserialize_any(V::<TEXT>)
    }
}

/// `values`: a list of strings (scalars taken as text), or `null`.
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SmallStr>, D::Error> {
    let v: Option<Vec<Field<true>>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default()
        .into_iter()
        .map(|f| f.0.unwrap_or_default())
        .collect())
}

/// `lines`: as `values`, kept as `String`s (whole command lines, rarely short).
pub fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(strings(d)?.into_iter().map(String::from).collect())
}

/// `attrs`: name → string value, or `null`. Attributes whose value is not a string are
/// ignored, as the reference did: the Python client sends its ids as `[value, dirty]`
/// pairs, which therefore get automatic ids there. A repeated name keeps its last value.
pub fn attrs<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<SmallStr, SmallStr>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<SmallStr, SmallStr>;
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
            while let Some((k, v)) = a.next_entry::<SmallStr, Field<false>>()? {
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
        v: Vec<SmallStr>,
        #[serde(default, deserialize_with = "attrs")]
        a: BTreeMap<SmallStr, SmallStr>,
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
