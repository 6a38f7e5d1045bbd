//! The UTF-8 check of an image's names ([UTF-8, RFC 3629]).
//!
//! `core::str::from_utf8` is written for speed over long text (word-at-a-time ASCII
//! runs, a lookup table of character widths); an image's names are short, and on a
//! device that routine was 368 B of the executor's flash. This one decodes a character
//! at a time and lets `char::from_u32` refuse surrogates and code points past U+10FFFF.
//!
//! [UTF-8, RFC 3629]: https://www.rfc-editor.org/rfc/rfc3629#section-3

use alloc::string::String;

/// Appends the characters `bytes` encode to `s`; `None` where they are not UTF-8.
pub(super) fn decode(bytes: impl IntoIterator<Item = u8>, s: &mut String) -> Option<()> {
    let mut it = bytes.into_iter();
    while let Some(lead) = it.next() {
        // The continuation bytes that follow, and the least code point that needs them
        // (anything less is an overlong form).
        let (more, least) = match lead {
            0x00..=0x7f => (0, 0),
            0xc0..=0xdf => (1, 0x80),
            0xe0..=0xef => (2, 0x800),
            0xf0..=0xf7 => (3, 0x1_0000),
            _ => return None,
        };
        // The lead's bits below its length prefix (the prefix's last 0 keeps the bit
        // above them clear, so one shift serves every length).
        let mut c = u32::from(lead) & (0x7f >> more);
        for _ in 0..more {
            let b = it.next()?;
            if b & 0xc0 != 0x80 {
                return None;
            }
            c = c << 6 | u32::from(b & 0x3f);
        }
        if c < least {
            return None;
        }
        s.push(char::from_u32(c)?);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::decode;
    use alloc::string::String;

    fn to_string(bytes: &[u8]) -> Option<String> {
        let mut s = String::new();
        decode(bytes.iter().copied(), &mut s).map(|()| s)
    }

    fn agrees(bytes: &[u8]) {
        let want = core::str::from_utf8(bytes).ok();
        assert_eq!(to_string(bytes).as_deref(), want, "{bytes:02x?}");
    }

    #[test]
    fn every_sequence_of_up_to_three_bytes_is_judged_as_core_judges_it() {
        for a in 0..=255u8 {
            agrees(&[a]);
            for b in 0..=255u8 {
                agrees(&[a, b]);
                // Three bytes: every lead with every pair of interesting continuations.
                for c in [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff] {
                    agrees(&[a, b, c]);
                }
            }
        }
    }

    #[test]
    fn four_byte_forms_and_their_edges() {
        for lead in 0xf0..=0xff {
            for b in 0x70..=0xc0 {
                for c in [0x7f, 0x80, 0xbf, 0xc0] {
                    for d in [0x7f, 0x80, 0xbf, 0xc0] {
                        agrees(&[lead, b, c, d]);
                        agrees(&[b'x', lead, b, c, d, b'y']);
                    }
                }
            }
        }
        for s in [
            "",
            "memory",
            "ünïcødé",
            "名前",
            "\u{10ffff}",
            "a\u{0}b",
            "🦀🦀",
        ] {
            assert_eq!(to_string(s.as_bytes()).as_deref(), Some(s));
        }
    }
}
