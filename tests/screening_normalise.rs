//! Properties of name normalisation: it never panics and is idempotent.

use proptest::prelude::*;
use vestibule::screening::normalise::{fold, PersonName};

proptest! {
    #[test]
    fn folding_is_idempotent_and_plain(text in "\\PC{0,40}") {
        let once = fold(&text);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(once.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' '));
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn names_never_panic_and_normalise_to_themselves(
        last in "\\PC{0,30}", first in "\\PC{0,20}", middle in "\\PC{0,20}", suffix in "\\PC{0,5}",
    ) {
        let name = PersonName::new(&last, &first, &middle, &suffix);
        let terms = name.index_terms();
        // Normalising the folded forms again changes nothing. The suffix goes back where a
        // surname carries it (`SMITH JR`): given separately beside a surname that itself ends
        // in a suffix-like word (`A V` + `V`), that word would be taken for a second suffix.
        let middle_again: Vec<String> = name.middle.iter().map(|m| m.glued.clone()).collect();
        let suffix = name.suffix.as_deref().unwrap_or("");
        let (last_again, suffix_again) = if name.last.is_empty() {
            (String::new(), suffix)
        } else {
            (format!("{} {suffix}", name.last.tokens.join(" ")), "")
        };
        let again = PersonName::new(
            &last_again,
            &name.first.tokens.join(" "),
            &middle_again.join(" "),
            suffix_again,
        );
        prop_assert_eq!(again.index_terms(), terms);
        prop_assert_eq!(again.last.glued, name.last.glued);
    }
}
