//! The on-disk encoding of everything the store writes: a format version byte, then bincode.
//! A different version byte is refused rather than misread, so the format can change.
//!
//! Version 2 (written now) is bincode with variable-length integers: string and list
//! lengths take one byte instead of eight, which halves a log entry of typical controls
//! (and the store's memory with it). Version 1 (fixed-width integers) is still read, so a
//! store written before keeps working; records are rewritten in version 2 as they change.

use bincode::Options;
use serde::{de::DeserializeOwned, Serialize};

pub const FORMAT_VERSION: u8 = 2;
const FIXINT_VERSION: u8 = 1;

fn varint() -> impl Options {
    bincode::DefaultOptions::new()
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut out = vec![FORMAT_VERSION];
    varint()
        .serialize_into(&mut out, value)
        .map_err(|e| format!("encode: {e}"))?;
    Ok(out)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, rest)) => varint()
            .deserialize(rest)
            .map_err(|e| format!("decode: {e}")),
        Some((&FIXINT_VERSION, rest)) => {
            bincode::deserialize(rest).map_err(|e| format!("decode: {e}"))
        }
        Some((v, _)) => Err(format!("unsupported store format version {v}")),
        None => Err("empty record".into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_version_check() {
        let b = super::encode(&("x".to_string(), 5u64)).unwrap();
        let back: (String, u64) = super::decode(&b).unwrap();
        assert_eq!(back, ("x".to_string(), 5));
        let mut bad = b.clone();
        bad[0] = 9;
        assert!(super::decode::<(String, u64)>(&bad).is_err());
        assert!(super::decode::<(String, u64)>(&[]).is_err());
    }

    #[test]
    fn version_1_records_are_still_read() {
        let mut v1 = vec![1u8];
        bincode::serialize_into(&mut v1, &("x".to_string(), 5u64)).unwrap();
        let back: (String, u64) = super::decode(&v1).unwrap();
        assert_eq!(back, ("x".to_string(), 5));
        let v2 = super::encode(&("x".to_string(), 5u64)).unwrap();
        assert!(v2.len() < v1.len());
    }
}
