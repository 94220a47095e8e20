//! Indenting compact JSON text.

/// Re-indents valid compact JSON with two spaces per level, the layout of
/// serde_json's pretty printer. Strings are copied unchanged.
pub(crate) fn indent(compact: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < compact.len() {
        let byte = compact[i];
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                out.push(byte);
            }
            b'{' | b'[' => {
                out.push(byte);
                let closer = if byte == b'{' { b'}' } else { b']' };
                if compact.get(i + 1) == Some(&closer) {
                    out.push(closer);
                    i += 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(byte);
            }
            b',' => {
                out.push(byte);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(byte),
        }
        i += 1;
    }
    out
}

fn newline(out: &mut Vec<u8>, depth: usize) {
    out.push(b'\n');
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
}

#[cfg(test)]
mod tests {
    use super::indent;

    #[test]
    fn indent_matches_serde_json_pretty() {
        let compact = br#"{"a":[1,{"b":"x,{y}\"z"}],"c":{},"d":[]}"#;
        let value: serde_json::Value = serde_json::from_slice(compact).unwrap();
        let expected = serde_json::to_vec_pretty(&value).unwrap();
        assert_eq!(
            String::from_utf8(indent(compact)).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }
}
