//! Finding the next byte of a string that needs attention: a quote, a
//! backslash or a control character. Eight bytes are tested at a time, as
//! most FHIR text (narratives, attachments) has long runs of plain bytes.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Sets the high bit of each byte of `word` that is zero. A byte just above
/// a zero byte may be flagged too; callers check flagged chunks byte by byte.
#[inline]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGH
}

/// Returns whether any byte of `word` may be `"`, `\` or below 0x20.
#[inline]
fn may_need_attention(word: u64) -> bool {
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = zero_bytes(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_bytes(word ^ (ONES * u64::from(b'\\')));
    (below_space | quote | backslash) != 0
}

/// Returns the offset of the first byte of `bytes` for which `special` is true,
/// where `special` is true for at least `"`, `\` and every byte below 0x20,
/// and false for every other ASCII byte.
#[inline]
pub(crate) fn find_special(bytes: &[u8], special: &[bool; 256]) -> Option<usize> {
    let mut offset = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if may_need_attention(word) {
            if let Some(found) = chunk.iter().position(|&b| special[usize::from(b)]) {
                return Some(offset + found);
            }
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    // The last eight bytes, which overlap chunks already tested, clear the
    // remainder in one step when none of them needs attention.
    if let Some(tail) = bytes.last_chunk::<8>() {
        if !rest.is_empty() && !may_need_attention(u64::from_le_bytes(*tail)) {
            return None;
        }
    }
    rest.iter()
        .position(|&b| special[usize::from(b)])
        .map(|found| offset + found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> [bool; 256] {
        let mut table = [false; 256];
        table[..0x20].fill(true);
        table[usize::from(b'"')] = true;
        table[usize::from(b'\\')] = true;
        table
    }

    #[test]
    fn finds_every_special_byte_at_every_offset() {
        let table = table();
        for special in [b'"', b'\\', 0u8, 0x1f, b'\n'] {
            for length in 1..=40 {
                for at in 0..length {
                    let mut bytes = vec![b'a'; length];
                    bytes[at] = special;
                    assert_eq!(
                        find_special(&bytes, &table),
                        Some(at),
                        "byte {special:#x} at {at} of {length}"
                    );
                }
            }
        }
    }

    #[test]
    fn plain_and_multibyte_text_has_none() {
        let table = table();
        let text = "Zoë ate crème brûlée ✓ at 10:30, then left — fine.";
        assert_eq!(find_special(text.as_bytes(), &table), None);
        assert_eq!(find_special(b"", &table), None);
    }
}
