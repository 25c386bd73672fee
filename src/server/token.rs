//! Opaque, tamper-proof tokens handed to clients (host client ids, browser session ids):
//! base64url(nonce ‖ AES-256-GCM(value|client ip)). The key is generated on first start and
//! kept in the data directory, never a built-in default.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use rand::RngCore;
use std::path::Path;

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl Sealer {
    pub fn from_key(key: &[u8; 32]) -> Sealer {
        Sealer {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Loads `secret.key` from `dir`, creating it (mode 0600) on first start.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Sealer> {
        let path = dir.join("secret.key");
        if let Ok(bytes) = std::fs::read(&path) {
            if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
                return Ok(Sealer::from_key(&key));
            }
            tracing::warn!(
                "{} is damaged; generating a new key (old cookies become invalid)",
                path.display()
            );
        }
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, key)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(Sealer::from_key(&key))
    }

    pub fn seal(&self, value: &str, ip: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let plain = format!("{value}|{ip}");
        match self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
        {
            Ok(ct) => {
                let mut out = nonce.to_vec();
                out.extend_from_slice(&ct);
                URL_SAFE.encode(out)
            }
            Err(_) => String::new(),
        }
    }

    /// The sealed value, if the token is ours and was issued to `ip`.
    pub fn open(&self, token: &str, ip: &str) -> Result<String, String> {
        let raw = URL_SAFE
            .decode(token.trim())
            .map_err(|_| "base64 decode failed".to_string())?;
        if raw.len() < 12 {
            return Err("token too short".into());
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| "cipher: message authentication failed".to_string())?;
        let text = String::from_utf8(plain).map_err(|_| "invalid token".to_string())?;
        let (value, token_ip) = text.rsplit_once('|').ok_or("invalid token")?;
        if token_ip != ip {
            return Err("token was issued to another address".into());
        }
        Ok(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seal_open() {
        let s = super::Sealer::from_key(&[7; 32]);
        let t = s.seal("abc", "127.0.0.1");
        assert_eq!(s.open(&t, "127.0.0.1").unwrap(), "abc");
        assert!(s.open(&t, "10.0.0.1").is_err());
        assert_eq!(
            s.open("garbage!", "127.0.0.1").unwrap_err(),
            "base64 decode failed"
        );
        let other = super::Sealer::from_key(&[8; 32]);
        assert!(other.open(&t, "127.0.0.1").is_err());
    }
}
