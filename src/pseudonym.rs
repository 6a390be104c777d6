//! `--pseudonymize-users`: user values replaced by a keyed hash, stable month to month.
//!
//! HMAC-SHA-256 rather than a plain hash: without the key, nobody can confirm a guess by
//! hashing a rep's email. The same user in any letter case gets the same pseudonym.

use crate::input_error;
use crate::model::fold_key;
use anyhow::Result;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex digits kept: 48 bits, no collision to expect among a company's reps.
const DIGITS: usize = 12;

#[derive(Clone)]
pub struct Pseudonymizer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymizer(<key hidden>)")
    }
}

impl Pseudonymizer {
    /// The pseudonymizer asked for, or none; asking without a key is a usage error.
    pub fn from_options(enabled: bool, key: Option<&str>) -> Result<Option<Pseudonymizer>> {
        match (enabled, key) {
            (false, _) => Ok(None),
            (true, Some(key)) if !key.is_empty() => Ok(Some(Pseudonymizer {
                key: key.as_bytes().to_vec(),
            })),
            (true, _) => Err(input_error!(
                "--pseudonymize-users needs a key: --pseudonym-key KEY or the COLLATERAL_AUDIT_PSEUDONYM_KEY environment variable (keep it secret, keep it the same every month)"
            )),
        }
    }

    /// `user-3f9a0c41b2d7` for any spelling of the same user.
    pub fn pseudonym(&self, user: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(&fold_key(user));
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("user-{}", &hex[..DIGITS])
    }
}

/// Shows a user value as given, or as its pseudonym when asked.
pub fn show_user(pseudonyms: Option<&Pseudonymizer>, user: &str) -> String {
    match pseudonyms {
        Some(p) if !user.trim().is_empty() => p.pseudonym(user),
        _ => user.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_user_same_pseudonym_whatever_the_case() {
        let p = Pseudonymizer::from_options(true, Some("secret"))
            .unwrap()
            .unwrap();
        let a = p.pseudonym("Dan@Corp.com");
        assert_eq!(a, p.pseudonym(" dan@corp.com "));
        assert_ne!(a, p.pseudonym("eve@corp.com"));
        assert!(a.starts_with("user-") && a.len() == 5 + DIGITS, "{a}");
        let other_key = Pseudonymizer::from_options(true, Some("other"))
            .unwrap()
            .unwrap();
        assert_ne!(a, other_key.pseudonym("dan@corp.com"));
    }

    #[test]
    fn a_key_is_required_and_never_printed() {
        assert!(Pseudonymizer::from_options(true, None).is_err());
        assert!(Pseudonymizer::from_options(true, Some("")).is_err());
        assert!(Pseudonymizer::from_options(false, None).unwrap().is_none());
        let p = Pseudonymizer::from_options(true, Some("secret"))
            .unwrap()
            .unwrap();
        assert!(!format!("{p:?}").contains("secret"));
        assert_eq!(show_user(Some(&p), ""), "");
        assert_eq!(show_user(None, "Dan"), "Dan");
    }
}
