//! Closed sets of codes the API accepts, with their OpenAPI schemas (string enums), so that
//! clients can offer them in pickers and validate before sending.

/// ISO 3166-1 alpha-2 country codes (officially assigned), in capitals.
pub const COUNTRY_CODES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// ISO 639-1 language codes.
pub const LANGUAGE_CODES: [&str; 184] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Whether `code` is an ISO 639-1 code (lower case).
pub fn is_language(code: &str) -> bool {
    LANGUAGE_CODES.binary_search(&code).is_ok()
}

/// The interface languages.
pub const LOCALES: [&str; 4] = ["en", "fr", "es", "zh"];

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (in capitals).
pub fn is_country(code: &str) -> bool {
    COUNTRY_CODES.binary_search(&code).is_ok()
}

#[cfg(feature = "openapi")]
mod schemas {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

    fn string_enum(description: &str, values: &[&str]) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(values.iter().copied()))
            .into()
    }

    /// Schema of a country code (an ISO 3166-1 alpha-2 string enum).
    pub struct CountryCode;

    impl utoipa::PartialSchema for CountryCode {
        fn schema() -> RefOr<Schema> {
            string_enum("ISO 3166-1 alpha-2 country code", &super::COUNTRY_CODES)
        }
    }

    impl utoipa::ToSchema for CountryCode {}

    /// Schema of an ISO 639-1 language code.
    pub struct LanguageCode;

    impl utoipa::PartialSchema for LanguageCode {
        fn schema() -> RefOr<Schema> {
            string_enum("ISO 639-1 language code", &super::LANGUAGE_CODES)
        }
    }

    impl utoipa::ToSchema for LanguageCode {}

    /// Schema of an interface language.
    pub struct Locale;

    impl utoipa::PartialSchema for Locale {
        fn schema() -> RefOr<Schema> {
            string_enum("Interface language", &super::LOCALES)
        }
    }

    impl utoipa::ToSchema for Locale {}
}

#[cfg(feature = "openapi")]
pub use schemas::{CountryCode, LanguageCode, Locale};

#[cfg(test)]
mod tests {
    #[test]
    fn country_codes_are_sorted_and_unique() {
        assert!(super::COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(super::is_country("FR") && super::is_country("ZW") && super::is_country("AD"));
        assert!(!super::is_country("XX") && !super::is_country("fr"));
        assert!(super::LANGUAGE_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(super::is_language("fr") && super::is_language("zh") && !super::is_language("xx"));
    }
}
