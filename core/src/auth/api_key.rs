//! API keys: `mxk_<prefix>_<secret>`. The prefix finds the key; only a SHA-256 of the whole key
//! is stored, and the key is shown once, when it is created.

use super::secret::{random_token, sha256_hex};

/// What every key starts with, so that leaked keys are easy to recognize and scan for.
pub const KEY_MARKER: &str = "mxk_";

/// A newly made key: give `key` to the caller once, store the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedKey {
    /// The whole key, shown once.
    pub key: String,
    /// The public part that finds the stored key.
    pub prefix: String,
    /// SHA-256 of the whole key, hex.
    pub hash: String,
}

/// Makes a new key.
pub fn mint() -> MintedKey {
    let prefix = random_token(9);
    let key = format!("{KEY_MARKER}{prefix}_{}", random_token(32));
    MintedKey { hash: sha256_hex(&key), key, prefix }
}

/// The prefix of a presented key, if it has our shape.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_MARKER)?;
    let (prefix, secret) = rest.split_at_checked(12)?;
    (secret.starts_with('_') && secret.len() > 1).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_keys_parse_back_to_their_prefix() {
        let minted = mint();
        assert!(minted.key.starts_with("mxk_"));
        assert_eq!(prefix_of(&minted.key), Some(minted.prefix.as_str()));
        assert_eq!(sha256_hex(&minted.key), minted.hash);
    }

    #[test]
    fn foreign_shapes_are_not_keys() {
        assert_eq!(prefix_of("Bearer abc"), None);
        assert_eq!(prefix_of("mxk_short"), None);
        assert_eq!(prefix_of("mxk_abcdefghijkl"), None);
    }
}
