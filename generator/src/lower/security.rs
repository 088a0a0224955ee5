//! Lowers `components.securitySchemes` into the IR's credential kinds.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme as OaScheme};

use crate::diagnostics::{escape_segment, Diagnostic, Diagnostics};
use crate::ir::{ApiKeyLocation, SecurityKind, SecurityScheme};
use crate::names::{self, Namespace};

/// Every security scheme in document order; references between schemes are not allowed by the
/// spec's common use and are reported.
pub(crate) fn lower_security_schemes(
    spec: &OpenAPI,
    diagnostics: &mut Diagnostics,
) -> Vec<SecurityScheme> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    let mut ns = Namespace::with_reserved(&["new", "with_http_client", "base_url", "http_client"]);
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let pointer = format!("#/components/securitySchemes/{}", escape_segment(name));
        let ReferenceOr::Item(scheme) = scheme else {
            diagnostics.push(Diagnostic::error(
                &pointer,
                "a security scheme cannot be a `$ref`",
            ));
            continue;
        };
        let (kind, doc) = match scheme {
            OaScheme::HTTP {
                scheme: http,
                description,
                ..
            } => {
                let kind = if http.eq_ignore_ascii_case("basic") {
                    SecurityKind::Basic
                } else {
                    SecurityKind::Bearer
                };
                (kind, description.clone())
            }
            OaScheme::OAuth2 { description, .. } | OaScheme::OpenIDConnect { description, .. } => {
                (SecurityKind::Bearer, description.clone())
            }
            OaScheme::APIKey {
                location,
                name: key_name,
                description,
                ..
            } => {
                let location = match location {
                    APIKeyLocation::Header => ApiKeyLocation::Header,
                    APIKeyLocation::Query => ApiKeyLocation::Query,
                    APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                let prefix = (location == ApiKeyLocation::Header)
                    .then(|| {
                        description
                            .as_deref()
                            .and_then(|d| prefix_from_description(key_name, d))
                    })
                    .flatten();
                (
                    SecurityKind::ApiKey {
                        location,
                        name: key_name.clone(),
                        prefix,
                    },
                    description.clone(),
                )
            }
        };
        let (rust_name, _) = ns.claim(&names::field_name(name));
        out.push(SecurityScheme {
            wire_name: name.clone(),
            rust_name,
            kind,
            doc,
        });
    }
    out
}

/// Finds a scheme prefix such as `Token` in a description that shows the header in use
/// (`-H "Authorization: Token $qovery_token"`), as Qovery documents its API keys.
fn prefix_from_description(header: &str, description: &str) -> Option<String> {
    let needle = format!("{header}: ");
    let start = description.find(&needle)? + needle.len();
    let word: String = description[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let follows_space = description[start + word.len()..].starts_with(' ');
    (!word.is_empty() && follows_space && !word.eq_ignore_ascii_case("bearer")).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::prefix_from_description;

    #[test]
    fn reads_the_prefix_shown_in_a_curl_example() {
        let qovery = "Curl Example ' curl https://console.qovery.com/organization -H \"Authorization: Token $qovery_token\" '";
        assert_eq!(
            prefix_from_description("Authorization", qovery).as_deref(),
            Some("Token")
        );
        assert_eq!(
            prefix_from_description("Authorization", "-H \"Authorization: Bearer $t\""),
            None
        );
        assert_eq!(
            prefix_from_description("Authorization", "An API key."),
            None
        );
        assert_eq!(prefix_from_description("X-Key", "X-Key: $key"), None);
    }
}
