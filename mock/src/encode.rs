//! The small encodings and random values a Graph meeting is made of: base64 ids,
//! percent-encoded URLs, digits and passcodes. Hand-written to keep dependencies few.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use uuid::Uuid;

/// Channel meetings get a message id like Graph's (epoch milliseconds), unique within the process.
pub(crate) fn next_channel_message_id() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now_ms = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    let previous = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now_ms.max(last + 1))
        })
        .unwrap_or(0);
    now_ms.max(previous + 1)
}

fn random_u128() -> u128 {
    // uuid's v4 generator is the one source of randomness, to keep dependencies few.
    Uuid::new_v4().as_u128()
}

pub(crate) fn random_digits(count: usize) -> String {
    let mut n = random_u128();
    let mut out = String::with_capacity(count);
    for i in 0..count {
        // No leading zero, so the number reads like Graph's.
        let digit = if i == 0 { 1 + n % 9 } else { n % 10 };
        n /= 10;
        out.push(char::from(b'0' + digit as u8));
    }
    out
}

pub(crate) fn random_passcode(count: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut n = random_u128();
    (0..count)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u128) as usize];
            n /= ALPHABET.len() as u128;
            char::from(c)
        })
        .collect()
}

pub(crate) fn group_digits(digits: &str) -> String {
    digits
        .as_bytes()
        .chunks(3)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes all but RFC 3986 unreserved bytes, in Graph's lower-case hex.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

pub(crate) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Standard base64 with padding, as Graph's meeting ids are.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn digits_and_passcodes_have_their_length() {
        let digits = random_digits(12);
        assert_eq!(digits.len(), 12);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'));
        assert_eq!(group_digits("123456789012"), "123 456 789 012");
        assert_eq!(random_passcode(6).len(), 6);
        assert_eq!(percent_encode("19:a@b c"), "19%3aa%40b%20c");
        let first = next_channel_message_id();
        assert!(next_channel_message_id() > first);
    }
}
