//! Webhook signatures in Stripe's `v1` scheme: `Stripe-Signature: t=<unix time>,v1=<hex>`,
//! where the hex is HMAC-SHA256 of `<t>.<body>` with the endpoint's secret. A signature is
//! accepted within 300 seconds of now, in both directions (a replayed old event, a clock
//! far ahead).

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Malformed,
    OutsideTolerance,
    Mismatch,
}

/// HMAC-SHA256 of the concatenated `parts`. (HMAC takes keys of any length, so
/// `new_from_slice` cannot fail; if it did, the empty tag would never verify.)
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Whether `tag` is the HMAC-SHA256 of `parts`, compared in constant time.
pub fn hmac_verify(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(tag).is_ok()
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The header value signing `body` at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let digest = hmac_sha256(secret, &[t.as_bytes(), b".", body]);
    format!("t={timestamp},v1={}", hex::encode(digest))
}

/// Checks the header against the body, `now` being the current Unix time.
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance);
    }
    let t = timestamp.to_string();
    let accepted = signatures.iter().any(|signature| {
        hex::decode(signature)
            .is_ok_and(|bytes| hmac_verify(secret, &[t.as_bytes(), b".", body], &bytes))
    });
    if accepted {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn signatures_verify_within_five_minutes_either_way() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(SECRET, 1_000_000, body);
        assert_eq!(verify(SECRET, Some(&header), body, 1_000_000), Ok(()));
        assert_eq!(verify(SECRET, Some(&header), body, 1_000_300), Ok(()));
        assert_eq!(verify(SECRET, Some(&header), body, 999_700), Ok(()));
        assert_eq!(
            verify(SECRET, Some(&header), body, 1_000_301),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(
            verify(SECRET, Some(&header), body, 999_699),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(
            verify(SECRET, Some(&header), br#"{"id":"evt_2"}"#, 1_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(&header), body, 1_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(SECRET, None, body, 0), Err(SignatureError::Missing));
        assert_eq!(
            verify(SECRET, Some("v1=abc"), body, 0),
            Err(SignatureError::Malformed)
        );
        // Several v1 signatures (during a secret's rotation): one good is enough.
        let rotated = format!("{header},v1=00ff");
        assert_eq!(verify(SECRET, Some(&rotated), body, 1_000_000), Ok(()));
    }
}
