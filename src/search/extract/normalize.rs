//! The normalized form of strings for string search: lower case, without
//! accents on Latin letters.

/// Returns `text` lower-cased, with accents and other diacritics removed
/// from Latin letters (`Élodie Müller` becomes `elodie muller`), because
/// FHIR string search ignores case and accents.
///
/// Letters of the Latin-1 Supplement and Latin Extended-A blocks lose their
/// marks, and so do the comma-below and caron letters of Latin Extended-B
/// used in Romanian and Pinyin. The ligatures and special letters expand:
/// `ß` becomes `ss`, `æ` `ae`, `œ` `oe`, `þ` `th` and `ĳ` `ij`. Combining marks (U+0300 to U+036F) are dropped, so
/// decomposed text gives the same result. Other characters are only
/// lower-cased.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        match fold(c) {
            Some(folded) => out.push_str(folded),
            None => out.push(c),
        }
    }
    out
}

/// Returns the unaccented form of a lower-case Latin letter, or `None` to
/// keep the letter as it is.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ð' | 'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ß' => "ss",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn ascii_is_lower_cased() {
        assert_eq!(normalize("Van Der BERG"), "van der berg");
    }

    #[test]
    fn accents_are_removed() {
        assert_eq!(normalize("Élodie Müller-Ñúñez"), "elodie muller-nunez");
    }

    #[test]
    fn ligatures_expand() {
        assert_eq!(normalize("Straße Æsir Œuvre"), "strasse aesir oeuvre");
    }

    #[test]
    fn extended_a_letters_fold() {
        assert_eq!(normalize("Łódź Dvořák Şahin"), "lodz dvorak sahin");
    }

    #[test]
    fn romanian_comma_below_folds() {
        assert_eq!(normalize("Ștefănescu Țară"), "stefanescu tara");
    }

    #[test]
    fn combining_marks_are_dropped() {
        // "José" with U+0301 COMBINING ACUTE ACCENT after the e.
        assert_eq!(normalize("Jose\u{301}"), "jose");
    }

    #[test]
    fn dotted_capital_i_folds_to_i() {
        // U+0130 lower-cases to "i" followed by U+0307 COMBINING DOT ABOVE.
        assert_eq!(normalize("İstanbul"), "istanbul");
    }

    #[test]
    fn other_scripts_are_only_lower_cased() {
        assert_eq!(normalize("Ωμέγα 東京"), "ωμέγα 東京");
    }
}
