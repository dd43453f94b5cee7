//! Membership sign-ups: the rules of the public form and of the staff who handle them
//! (the use cases over them are in `usecase::memberships`).

pub mod challenge;
pub mod erasure;
pub mod staff;

pub use staff::{Change, check_change, etag};

use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::users::valid_email;
use crate::error::{ErrorCode, FieldError};

/// The version of the consent text ("Gegevensverwerking") a sign-up agreed to. Change it
/// whenever that text changes, so each record says which text was accepted.
pub const CONSENT_VERSION: &str = "2026-11-24";

pub const MAX_NAME: usize = 200;
pub const MAX_EMAIL: usize = 254;
pub const MAX_ORGANISATION: usize = 200;
pub const MAX_CONTRIBUTION: usize = 5000;
pub const MAX_NOTE: usize = 5000;

word_enum!(
    /// How someone wants to take part, from the seed's "Hoe kun jij bijdragen?".
    MemberRole {
        Koploper,
        Sloper,
        Verbinder,
        Bouwer,
        Volger,
    }
);

word_enum!(
    /// Where someone comes from, after the perspectives of the Alliantie-wiel.
    Sector {
        Bedrijfsleven,
        Wetenschap,
        Maatschappelijk,
        Onderwijs,
        Anders,
    }
);

word_enum!(
    /// Where staff are with a sign-up.
    #[schema(as = MembershipStatus)]
    Status {
        New,
        Approved,
        Rejected,
    }
);

/// The body of `POST /memberships`, as the form sends it. Every field is optional here so
/// that all missing and invalid fields are reported together.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpForm {
    #[schema(required = true, value_type = String, max_length = 200, example = "Zoë de Vries")]
    pub name: Option<String>,
    #[schema(required = true, value_type = String, max_length = 254, example = "zoe@example.nl")]
    pub email: Option<String>,
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
    #[schema(required = true, value_type = Sector)]
    pub sector: Option<String>,
    #[schema(required = true, value_type = MemberRole)]
    pub role: Option<String>,
    /// How the person wants to contribute.
    #[schema(required = true, value_type = String, max_length = 5000)]
    pub contribution: Option<String>,
    /// Must be `true`: agreement to the processing of the data ("Gegevensverwerking").
    #[schema(required = true, value_type = bool)]
    pub consent: Option<bool>,
    /// The `token` of `POST /memberships/challenge`.
    #[schema(required = true, value_type = String)]
    pub challenge_token: Option<String>,
    /// The answer to the challenge's question: an integer, or a string holding one.
    #[schema(required = true, schema_with = answer_schema)]
    pub challenge_answer: Option<serde_json::Value>,
    /// Leave empty. A form hides this field from people; bots fill it in.
    pub website: Option<String>,
}

/// An integer, or a string holding one.
fn answer_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Integer))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^\s*[+-]?\d+\s*$")),
        )
        .description(Some(
            "The answer to the challenge's question: an integer, or a string holding one.",
        ))
        .examples([serde_json::json!(16)])
        .build()
        .into()
}

/// A sign-up whose member fields passed every rule.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub sector: Sector,
    pub role: MemberRole,
    pub contribution: String,
}

impl SignUpForm {
    /// Whether the honeypot was filled in.
    pub fn is_bot(&self) -> bool {
        self.website
            .as_deref()
            .is_some_and(|w| !w.trim().is_empty())
    }
}

fn required<'a>(
    value: Option<&'a str>,
    field: &str,
    max: usize,
    multiline: bool,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    let v = value.map(str::trim).filter(|v| !v.is_empty());
    let Some(v) = v else {
        errors.push(FieldError::new(field, ErrorCode::Required, "is required"));
        return None;
    };
    within(v, field, max, multiline, errors).then_some(v)
}

pub(crate) fn within(
    v: &str,
    field: &str,
    max: usize,
    multiline: bool,
    errors: &mut Vec<FieldError>,
) -> bool {
    let mut ok = true;
    if v.chars().count() > max {
        errors.push(FieldError::new(
            field,
            ErrorCode::TooLong,
            format!("must be at most {max} characters"),
        ));
        ok = false;
    }
    let bad_control = v
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    if bad_control {
        errors.push(FieldError::new(
            field,
            ErrorCode::InvalidFormat,
            "must not contain control characters",
        ));
        ok = false;
    }
    ok
}

fn choice<T>(
    value: Option<&str>,
    field: &str,
    parse: fn(&str) -> Option<T>,
    choices: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        errors.push(FieldError::new(field, ErrorCode::Required, "is required"));
        return None;
    };
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(FieldError::new(
            field,
            ErrorCode::InvalidChoice,
            format!("must be one of: {choices}"),
        ));
    }
    parsed
}

/// An answer given as a number or as a string holding one.
pub fn parse_answer(
    value: Option<&serde_json::Value>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let answer = match value {
        None | Some(serde_json::Value::Null) => {
            errors.push(FieldError::new(
                "challenge_answer",
                ErrorCode::Required,
                "is required",
            ));
            return None;
        }
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(_) => None,
    };
    if answer.is_none() {
        errors.push(FieldError::new(
            "challenge_answer",
            ErrorCode::OutOfRange,
            "must be a whole number",
        ));
    }
    answer
}

/// Checks every member field, collecting all errors.
pub fn check_member_fields(form: &SignUpForm, errors: &mut Vec<FieldError>) -> Option<SignUp> {
    let name = required(form.name.as_deref(), "name", MAX_NAME, false, errors);
    let email = match form
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        None => {
            errors.push(FieldError::new("email", ErrorCode::Required, "is required"));
            None
        }
        Some(e) => {
            let e = e.to_lowercase();
            if e.chars().count() > MAX_EMAIL || !valid_email(&e) {
                errors.push(FieldError::new(
                    "email",
                    ErrorCode::InvalidFormat,
                    "must be a valid e-mail address",
                ));
                None
            } else {
                Some(e)
            }
        }
    };
    let organisation = form
        .organisation
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let organisation_ok =
        organisation.is_none_or(|o| within(o, "organisation", MAX_ORGANISATION, false, errors));
    let sector = choice(
        form.sector.as_deref(),
        "sector",
        Sector::parse,
        &Sector::choices(),
        errors,
    );
    let role = choice(
        form.role.as_deref(),
        "role",
        MemberRole::parse,
        &MemberRole::choices(),
        errors,
    );
    let contribution = required(
        form.contribution.as_deref(),
        "contribution",
        MAX_CONTRIBUTION,
        true,
        errors,
    );
    if form.consent != Some(true) {
        errors.push(FieldError::new(
            "consent",
            ErrorCode::Required,
            "must be true: the data can only be stored with consent",
        ));
    }
    if !organisation_ok || form.consent != Some(true) {
        return None;
    }
    Some(SignUp {
        name: name?.to_owned(),
        email: email?,
        organisation: organisation.map(str::to_owned),
        sector: sector?,
        role: role?,
        contribution: contribution?.to_owned(),
    })
}

/// Makes a spreadsheet cell safe to open: a value that a spreadsheet would run as a
/// formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`,
/// as OWASP advises against CSV injection.
pub fn spreadsheet_safe(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SignUpForm {
        SignUpForm {
            name: Some(" Zoë de Vries ".into()),
            email: Some("Zoe@Example.NL".into()),
            organisation: Some(String::new()),
            sector: Some("onderwijs".into()),
            role: Some("bouwer".into()),
            contribution: Some("Ik bouw mee.\nEcht.".into()),
            consent: Some(true),
            ..SignUpForm::default()
        }
    }

    #[test]
    fn a_good_form_passes_normalised() {
        let mut errors = Vec::new();
        let s = check_member_fields(&form(), &mut errors).unwrap();
        assert!(errors.is_empty());
        assert_eq!(s.name, "Zoë de Vries");
        assert_eq!(s.email, "zoe@example.nl");
        assert_eq!(s.organisation, None);
        assert_eq!(s.role, MemberRole::Bouwer);
    }

    #[test]
    fn all_errors_are_collected() {
        let f = SignUpForm {
            name: Some("x".repeat(201)),
            email: Some("nope".into()),
            organisation: Some("o".repeat(201)),
            sector: Some("politiek".into()),
            role: None,
            contribution: Some("  ".into()),
            consent: Some(false),
            ..SignUpForm::default()
        };
        let mut errors = Vec::new();
        assert!(check_member_fields(&f, &mut errors).is_none());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "email",
                "organisation",
                "sector",
                "role",
                "contribution",
                "consent"
            ]
        );
    }

    #[test]
    fn answers_as_numbers_or_strings() {
        let mut errors = Vec::new();
        assert_eq!(
            parse_answer(Some(&serde_json::json!(16)), &mut errors),
            Some(16)
        );
        assert_eq!(
            parse_answer(Some(&serde_json::json!(" 16 ")), &mut errors),
            Some(16)
        );
        assert!(errors.is_empty());
        assert_eq!(
            parse_answer(Some(&serde_json::json!("zestien")), &mut errors),
            None
        );
        assert_eq!(
            parse_answer(Some(&serde_json::json!(16.5)), &mut errors),
            None
        );
        assert_eq!(parse_answer(None, &mut errors), None);
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Zoë, jr."), "Zoë, jr.");
    }
}
