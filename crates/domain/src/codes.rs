//! Codes are types. Every status and kind that is stored or shown is a closed list written with
//! [`code_enum!`]: each variant has a stable ASCII code (what the database, the files and the
//! API carry) and a Vietnamese label (what a page shows). Text becomes one of these once, at the
//! edge (a form, a JSON body, a database column), and travels typed from there on.

use crate::Invalid;

/// Defines a closed list of canonical codes with a Vietnamese label each; the codes are stable
/// public identifiers in the database, files and the API, so never change one that is stored.
///
/// ```
/// tdkt_domain::code_enum!(
///     /// A light.
///     Light, "Đèn" {
///         Red = "do", "Đỏ";
///         /// Variants may carry doc comments too.
///         Green = "xanh", "Xanh";
///     }
/// );
/// assert_eq!(Light::Red.code(), "do");
/// assert_eq!(Light::Green.label(), "Xanh");
/// assert_eq!("xanh".parse::<Light>().unwrap(), Light::Green);
/// assert_eq!(Light::try_from(String::from("do")).unwrap(), Light::Red);
/// assert!(Light::parse("den", "vang").unwrap_err().message.contains("do, xanh"));
/// assert_eq!(Light::label_of("do"), Some("Đỏ"));
/// let s: &'static str = Light::Red.into();
/// assert_eq!(s, "do");
/// ```
///
/// The enum gets `ALL` (in declaration order, which is also its `Ord`), `WHAT` (the list's name
/// in Vietnamese), `code()`, `label()`, `label_of(code)`, `parse(field, text)`; `Display` writes
/// the code; `FromStr`, `TryFrom<String>` and `TryFrom<&str>` parse a code (the error is
/// [`Invalid`], its field the type's name in snake_case, e.g. `unit_kind`), which lets sqlx
/// decode a column with `#[sqlx(try_from = "String")]`; serde reads and writes the code; and it
/// implements [`CodeEnum`] for generic code (lists of options, tests). Input is trimmed before
/// it is matched; codes are matched exactly (case included).
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$m:meta])* $name:ident, $what:literal {
            $($(#[$vm:meta])* $variant:ident = $code:literal, $label:literal;)+
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $variant,)+
        }

        #[allow(dead_code)]
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// What the list is, in Vietnamese (the start of a parse error).
            pub const WHAT: &'static str = $what;

            /// The stable code stored and exchanged.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Vietnamese label shown to people.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// The label of a code, if the code is in the list.
            pub fn label_of(code: &str) -> Option<&'static str> {
                match code.trim() {
                    $($code => Some($label),)+
                    _ => None,
                }
            }

            /// Parses a code; the error names `field`, the bad value and the valid codes.
            pub fn parse(field: &str, s: &str) -> Result<Self, $crate::Invalid> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::Invalid::new(
                        field,
                        format!(
                            "{} «{}» không có trong danh mục; giá trị hợp lệ: {}",
                            $what,
                            other,
                            [$($code),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Invalid;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(&$crate::codes::field_name(stringify!($name)), s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::Invalid;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl<'a> TryFrom<&'a str> for $name {
            type Error = $crate::Invalid;

            fn try_from(s: &'a str) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.code()
            }
        }

        impl $crate::codes::CodeEnum for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = $name::ALL;

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn label(self) -> &'static str {
                $name::label(self)
            }
        }
    };
}

/// What every [`code_enum!`] type is, for code that works over any of them (a `<select>`'s
/// options, a column decoder, the tests below).
pub trait CodeEnum:
    Copy
    + Eq
    + Ord
    + std::hash::Hash
    + std::fmt::Debug
    + std::fmt::Display
    + std::str::FromStr<Err = Invalid>
    + TryFrom<String, Error = Invalid>
    + for<'a> TryFrom<&'a str, Error = Invalid>
    + Into<&'static str>
    + serde::Serialize
    + serde::de::DeserializeOwned
    + 'static
{
    /// What the list is, in Vietnamese.
    const WHAT: &'static str;
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// `UnitKind` → `unit_kind`: the field a parse through `FromStr`/`TryFrom` names.
#[doc(hidden)]
pub fn field_name(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len() + 4);
    for (i, c) in type_name.char_indices() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads a code from a settings file with the Vietnamese message of [`CodeEnum`]'s parser
/// (serde's own says "unknown variant" in English). Use as
/// `#[serde(deserialize_with = "crate::codes::vietnamese")]`.
pub fn vietnamese<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: CodeEnum,
{
    let s = <String as serde::Deserialize>::deserialize(d)?;
    T::try_from(s).map_err(|e| serde::de::Error::custom(e.message))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    code_enum!(
        /// A list for the macro's own tests.
        Light, "Đèn" {
            Red = "do", "Đỏ";
            /// Documented variant.
            Amber = "vang_nhat", "Vàng nhạt";
            Green = "xanh", "Xanh";
        }
    );

    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}

    #[test]
    fn invalid_is_a_proper_error() {
        assert_error::<Invalid>();
        // A boxed error crosses threads and `?` into `anyhow`-like boxes.
        let e: Box<dyn std::error::Error + Send + Sync> = Box::new(Invalid::new("a", "b"));
        assert_eq!(e.to_string(), "a: b");
    }

    #[test]
    fn macro_generates_everything() {
        assert_eq!(Light::ALL, &[Light::Red, Light::Amber, Light::Green]);
        assert_eq!(Light::WHAT, "Đèn");
        assert_eq!(Light::Amber.code(), "vang_nhat");
        assert_eq!(Light::Amber.label(), "Vàng nhạt");
        assert_eq!(Light::Amber.to_string(), "vang_nhat");
        assert_eq!(Light::label_of(" xanh "), Some("Xanh"));
        assert_eq!(Light::label_of("Xanh"), None);
        let s: &'static str = Light::Green.into();
        assert_eq!(s, "xanh");
        assert_eq!(" do ".parse::<Light>().unwrap(), Light::Red);
        assert_eq!(Light::try_from("vang_nhat").unwrap(), Light::Amber);
        assert_eq!(Light::try_from(String::from("xanh")).unwrap(), Light::Green);
        assert!(Light::Red < Light::Green, "declaration order is the order");
        const C: &str = Light::Red.code();
        assert_eq!(C, "do");
    }

    #[test]
    fn errors_name_the_bad_value_and_list_the_codes() {
        let e = Light::parse("den", "tim").unwrap_err();
        assert_eq!(e.field, "den");
        assert_eq!(
            e.message,
            "Đèn «tim» không có trong danh mục; giá trị hợp lệ: do, vang_nhat, xanh"
        );
        for e in [
            "tim".parse::<Light>().unwrap_err(),
            Light::try_from("tim").unwrap_err(),
            Light::try_from(String::from("tim")).unwrap_err(),
        ] {
            assert_eq!(e.field, "light");
            assert!(e.message.contains("«tim»"), "{e}");
            assert!(e.message.contains("do, vang_nhat, xanh"), "{e}");
        }
        // Codes are exact: no case folding, no labels.
        assert!("DO".parse::<Light>().is_err());
        assert!("Đỏ".parse::<Light>().is_err());
        assert!("".parse::<Light>().is_err());
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(
            serde_json::to_string(&Light::Amber).unwrap(),
            "\"vang_nhat\""
        );
        assert_eq!(
            serde_json::from_str::<Light>("\"xanh\"").unwrap(),
            Light::Green
        );
        assert!(serde_json::from_str::<Light>("\"Green\"").is_err());
        assert!(serde_json::from_str::<Light>("\"Amber\"").is_err());
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("UnitKind"), "unit_kind");
        assert_eq!(field_name("Role"), "role");
        assert_eq!(field_name("CouncilBallotStatus"), "council_ballot_status");
    }

    /// One enum's codes and labels, after checking its round trips.
    struct Facts {
        name: &'static str,
        codes: Vec<&'static str>,
        labels: Vec<&'static str>,
    }

    fn check<T: CodeEnum>(name: &'static str) -> Facts {
        assert!(!T::ALL.is_empty(), "{name}: empty list");
        assert!(!T::WHAT.trim().is_empty(), "{name}: no name");
        for &v in T::ALL {
            let code = v.code();
            assert_eq!(code.parse::<T>().unwrap(), v, "{name}: FromStr «{code}»");
            assert_eq!(T::try_from(code).unwrap(), v, "{name}: TryFrom<&str>");
            assert_eq!(
                T::try_from(code.to_string()).unwrap(),
                v,
                "{name}: TryFrom<String>"
            );
            assert_eq!(v.to_string(), code, "{name}: Display");
            assert_eq!(Into::<&'static str>::into(v), code, "{name}: Into<&str>");
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{code}\""), "{name}: serde writes the code");
            assert_eq!(
                serde_json::from_str::<T>(&json).unwrap(),
                v,
                "{name}: serde reads"
            );
            assert!(
                !v.label().trim().is_empty(),
                "{name}: «{code}» has no label"
            );
        }
        let bad = "khong_co_ma_nay";
        let e = bad.parse::<T>().unwrap_err();
        assert!(e.message.contains(bad), "{name}: {e}");
        for &v in T::ALL {
            assert!(
                e.message.contains(v.code()),
                "{name}: {e} misses {}",
                v.code()
            );
        }
        Facts {
            name,
            codes: T::ALL.iter().map(|v| v.code()).collect(),
            labels: T::ALL.iter().map(|v| v.label()).collect(),
        }
    }

    /// Every list of the domain. A new `code_enum!` belongs here.
    fn every() -> Vec<Facts> {
        use crate::access::{Action, Role};
        use crate::cluster::{ClusterKind, MemberRole, ProposalStatus};
        use crate::dossier::council::{Choice, CouncilBallotStatus, VoteMode};
        use crate::dossier::{
            AppraisalResult, CommendationType, CommentStatus, DocumentSlot, DuplicateReason,
            DuplicateSource, EventKind, NomineeVerdict, State, Step,
        };
        use crate::eligibility::{
            AwardKind, AwardLevel, AwardSubject, CriterionStatus, InitiativeScope, VerdictKind,
        };
        use crate::evaluation::BallotStatus;
        use crate::person::{Gender, TaskRating};
        use crate::unit::{LineageKind, LineageSide, UnitKind};
        vec![
            check::<Role>("Role"),
            check::<Action>("Action"),
            check::<ClusterKind>("ClusterKind"),
            check::<MemberRole>("MemberRole"),
            check::<ProposalStatus>("ProposalStatus"),
            check::<CommendationType>("CommendationType"),
            check::<State>("State"),
            check::<Step>("Step"),
            check::<AppraisalResult>("AppraisalResult"),
            check::<NomineeVerdict>("NomineeVerdict"),
            check::<CommentStatus>("CommentStatus"),
            check::<EventKind>("EventKind"),
            check::<DocumentSlot>("DocumentSlot"),
            check::<DuplicateSource>("DuplicateSource"),
            check::<DuplicateReason>("DuplicateReason"),
            check::<CouncilBallotStatus>("CouncilBallotStatus"),
            check::<VoteMode>("VoteMode"),
            check::<Choice>("Choice"),
            check::<VerdictKind>("VerdictKind"),
            check::<CriterionStatus>("CriterionStatus"),
            check::<AwardKind>("AwardKind"),
            check::<AwardSubject>("AwardSubject"),
            check::<AwardLevel>("AwardLevel"),
            check::<InitiativeScope>("InitiativeScope"),
            check::<BallotStatus>("BallotStatus"),
            check::<Gender>("Gender"),
            check::<TaskRating>("TaskRating"),
            check::<UnitKind>("UnitKind"),
            check::<LineageKind>("LineageKind"),
            check::<LineageSide>("LineageSide"),
        ]
    }

    /// ASCII snake_case: lower-case letters, digits and single `_`, starting with a letter.
    /// `Action` codes are dotted (`ho_so.xem`): each part is snake_case.
    fn snake_case(code: &str) -> bool {
        code.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase())
                && !part.ends_with('_')
                && !part.contains("__")
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
    }

    #[test]
    fn every_enum_round_trips_with_unique_snake_case_codes() {
        let all = every();
        let mut names = HashSet::new();
        for f in &all {
            assert!(names.insert(f.name), "{} listed twice", f.name);
            let mut seen = HashSet::new();
            for c in &f.codes {
                assert!(snake_case(c), "{}: «{c}» is not ASCII snake_case", f.name);
                assert!(
                    c.contains('.') == (f.name == "Action"),
                    "{}: «{c}»: only actions are dotted",
                    f.name
                );
                assert!(seen.insert(*c), "{}: code «{c}» twice", f.name);
            }
            let mut seen = HashSet::new();
            for l in &f.labels {
                assert!(seen.insert(*l), "{}: label «{l}» twice", f.name);
            }
        }
        assert!(!snake_case("Dat") && !snake_case("khong dat") && !snake_case("đạt"));
        assert!(!snake_case("_a") && !snake_case("a__b") && !snake_case("1a") && !snake_case(""));
    }
}
