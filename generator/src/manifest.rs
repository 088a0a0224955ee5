//! The `Cargo.toml` of a generated crate, as one value: its features, what each turns on, and
//! the dependencies emitted code names.

use crate::ir::Api;

/// The runtime crate's package name: generated code reaches it as `::openapi_gen_runtime`.
pub const RUNTIME_PACKAGE: &str = "openapi-gen-runtime";

/// The crates emitted code names itself, with their requirements: serde's traits and derives,
/// `serde_json::Value` (schemas without a type) and the `uuid` and `chrono` format types.
/// Everything else (reqwest, axum, the serde machinery behind the macros) is reached through the
/// runtime crate.
pub const DIRECT_DEPENDENCIES: &[(&str, &str)] = &[
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", r#""1""#),
    ("uuid", r#"{ version = "1", features = ["serde"] }"#),
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#,
    ),
];

/// The features every generated crate has for its halves, and the runtime feature each turns on.
pub const HALF_FEATURES: &[(&str, &str)] = &[
    ("client", "openapi-gen-runtime/client"),
    ("server", "openapi-gen-runtime/server"),
];

/// Features every generated crate has, off by default, and the runtime feature each turns on:
/// `tracing` gives each client call (and server request) a span.
pub const OPTIONAL_FEATURES: &[(&str, &str)] = &[("tracing", "openapi-gen-runtime/tracing")];

/// The server's opt-in features besides `tracing` (off by default: each costs something when
/// on), what each turns on, and what it is for; a crate with the server has them all.
pub const SERVER_FEATURES: &[(&str, &[&str], &str)] = &[(
    "docs",
    &["server", "openapi-gen-runtime/docs"],
    "The router serves the API's description at /openapi.json and a Swagger UI page at /docs.",
)];

/// Where a generated crate finds the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A path relative to the crate (`runtime`, a copy written beside it).
    Path(String),
    /// A version requirement on crates.io (`0.1`).
    Version(String),
}

/// One feature: its name, a comment, and what it turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    pub comment: Option<String>,
    pub enables: Vec<String>,
    /// Whether `default` lists it.
    pub default: bool,
}

/// A generated crate's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub name: String,
    pub description: String,
    /// Named in the `@generated` first line.
    pub spec_label: String,
    /// In order.
    pub features: Vec<Feature>,
    pub runtime: RuntimeSource,
}

impl Manifest {
    /// A crate with the runtime and the `client` and/or `server` features, and no others.
    pub fn new(name: &str, spec_label: &str, runtime: RuntimeSource, halves: [bool; 2]) -> Self {
        let features = HALF_FEATURES
            .iter()
            .zip(halves)
            .filter(|(_, on)| *on)
            .map(|((name, enables), _)| Feature {
                name: (*name).to_owned(),
                comment: None,
                enables: vec![(*enables).to_owned()],
                default: true,
            })
            .chain(OPTIONAL_FEATURES.iter().map(|(name, enables)| Feature {
                name: (*name).to_owned(),
                comment: Some("Off by default.".to_owned()),
                enables: vec![(*enables).to_owned()],
                default: false,
            }))
            .collect::<Vec<_>>();
        let mut features = features;
        if halves[1] {
            features.extend(
                SERVER_FEATURES
                    .iter()
                    .map(|(name, enables, comment)| Feature {
                        name: (*name).to_owned(),
                        comment: Some((*comment).to_owned()),
                        enables: enables.iter().map(|e| (*e).to_owned()).collect(),
                        default: false,
                    }),
            );
        }
        Self {
            name: name.to_owned(),
            description: String::new(),
            spec_label: spec_label.to_owned(),
            features,
            runtime,
        }
    }

    /// The standalone crate of `api`: the halves, one `tag-<name>` feature per tag and
    /// `unreferenced-models`.
    pub fn for_api(
        api: &Api,
        name: &str,
        spec_label: &str,
        runtime: RuntimeSource,
        halves: [bool; 2],
    ) -> Self {
        let mut manifest = Self::new(name, spec_label, runtime, halves);
        manifest.description = format!("Client and server for {} {}", api.title, api.version);
        for tag in &api.tags {
            manifest.features.push(Feature {
                name: format!("tag-{}", tag.feature_name),
                comment: Some(format!("Operations tagged `{}`.", tag.wire_name)),
                enables: Vec::new(),
                default: true,
            });
        }
        manifest.features.push(Feature {
            name: crate::emit::UNREFERENCED_FEATURE.to_owned(),
            comment: Some("Schemas that no operation uses.".to_owned()),
            enables: Vec::new(),
            default: true,
        });
        manifest
    }

    /// The `[dependencies]` lines: the runtime, then what emitted code names directly.
    pub fn dependencies(&self) -> String {
        let runtime = match &self.runtime {
            RuntimeSource::Path(path) => format!("{{ path = \"{}\" }}", toml_string(path)),
            RuntimeSource::Version(version) => format!("\"{}\"", toml_string(version)),
        };
        let mut text = format!("[dependencies]\n{RUNTIME_PACKAGE} = {runtime}\n");
        for (name, requirement) in DIRECT_DEPENDENCIES {
            text.push_str(&format!("{name} = {requirement}\n"));
        }
        text
    }

    /// The whole `Cargo.toml`.
    pub fn to_toml(&self) -> String {
        let mut features = String::from("[features]\n");
        for feature in &self.features {
            if let Some(comment) = &feature.comment {
                features.push_str(&format!("# {}\n", toml_comment(comment)));
            }
            let enables: Vec<String> = feature
                .enables
                .iter()
                .map(|e| format!("\"{}\"", toml_string(e)))
                .collect();
            features.push_str(&format!("{} = [{}]\n", feature.name, enables.join(", ")));
        }
        let defaults: Vec<String> = self
            .features
            .iter()
            .filter(|f| f.default)
            .map(|f| format!("\"{}\"", f.name))
            .collect();
        format!(
            "# @generated by `cargo xtask generate` from {label} — do not edit.\n\
             [package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = \"{description}\"\npublish = false\n\n\
             # A standalone crate, even when generated inside another workspace.\n[workspace]\n\n\
             {features}default = [{defaults}]\n\n{dependencies}",
            label = toml_comment(&self.spec_label),
            name = self.name,
            description = toml_string(&self.description),
            defaults = defaults.join(", "),
            dependencies = self.dependencies(),
        )
    }
}

/// Spec text on one line of a TOML comment: TOML allows no control character but tab there.
fn toml_comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Spec text inside a TOML basic string (`"..."`): escapes `\` and `"`, and control characters
/// become spaces.
fn toml_string(text: &str) -> String {
    toml_comment(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_text_cannot_break_the_toml() {
        let mut manifest = Manifest::new(
            "x",
            "a\nb.yaml",
            RuntimeSource::Version("0.1".into()),
            [true, false],
        );
        manifest.description = "say \"hi\" \\ bye\n".to_owned();
        let toml = manifest.to_toml();
        assert!(toml.starts_with("# @generated by `cargo xtask generate` from a b.yaml"));
        assert!(toml.contains("description = \"say \\\"hi\\\" \\\\ bye \""));
        assert!(toml.contains("client = [\"openapi-gen-runtime/client\"]\n"));
        assert!(!toml.contains("server ="));
        assert!(toml.contains("openapi-gen-runtime = \"0.1\"\n"));
    }
}
