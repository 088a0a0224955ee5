//! What changed between two versions of an API, as a Rust user meets it: two lowered IRs in,
//! a [`Report`] of changes out, each classified for client users, server implementers and the
//! wire, with the semver bump they call for.
//!
//! The IRs are compared, never the generated text: `matching.rs` pairs operations and types
//! across the versions, `roles.rs` says which side builds and which reads each type,
//! `operations.rs`, `models.rs` and `features.rs` list the changes, `types.rs` spells types as the
//! emitted code does, and `human.rs` and `json.rs` print the report.

mod features;
mod human;
mod json;
mod matching;
mod models;
mod operations;
pub mod roles;
pub mod types;

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::ir::Api;
use crate::Config;

/// The description's file name beside a generated `server.rs` (the bundled input, as JSON): the
/// old side of a drift check.
pub const DESCRIPTION_FILE: &str = crate::emit::DESCRIPTION_FILE;

/// Who meets a change: which kind of item it is about, and its name (the old one, or the new one
/// for an addition).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// A cargo feature of the crate (`tag-<name>`).
    Feature(String),
    /// A security scheme (the client's `with_<scheme>` setter, the server's credential field).
    Security(String),
    /// An operation: the client method, the server trait method and their types.
    Operation(String),
    /// A webhook or callback operation (emitted in their own modules).
    Receiver(String),
    /// A model type (`model::<Name>`).
    Type(String),
}

impl Subject {
    pub fn group(&self) -> &'static str {
        match self {
            Subject::Feature(_) => "feature",
            Subject::Security(_) => "security scheme",
            Subject::Operation(_) => "operation",
            Subject::Receiver(_) => "webhook or callback",
            Subject::Type(_) => "type",
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Subject::Feature(n)
            | Subject::Security(n)
            | Subject::Operation(n)
            | Subject::Receiver(n)
            | Subject::Type(n) => n,
        }
    }
}

/// What kind of change it is; [`Kind::as_str`] is its stable name in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    FeatureAdded,
    FeatureRemoved,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    RouteChanged,
    TagsChanged,
    Deprecated,
    Undeprecated,
    SecurityChanged,
    PaginationAdded,
    PaginationRemoved,
    ParamAdded,
    ParamRemoved,
    ParamRetyped,
    ParamNowRequired,
    ParamNowOptional,
    ParamWireChanged,
    BodyAdded,
    BodyRemoved,
    BodyRetyped,
    BodyNowRequired,
    BodyNowOptional,
    ResponseAdded,
    ResponseRemoved,
    ResponseRenamed,
    ResponseRetyped,
    ResponseHeadersChanged,
    TypeAdded,
    TypeRemoved,
    TypeRenamed,
    TypeKindChanged,
    FieldAdded,
    FieldRemoved,
    FieldRetyped,
    FieldWireChanged,
    VariantAdded,
    VariantRemoved,
    VariantRetyped,
    AliasRetyped,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FeatureAdded => "feature_added",
            Kind::FeatureRemoved => "feature_removed",
            Kind::SecuritySchemeAdded => "security_scheme_added",
            Kind::SecuritySchemeRemoved => "security_scheme_removed",
            Kind::OperationAdded => "operation_added",
            Kind::OperationRemoved => "operation_removed",
            Kind::OperationRenamed => "operation_renamed",
            Kind::RouteChanged => "route_changed",
            Kind::TagsChanged => "tags_changed",
            Kind::Deprecated => "deprecated",
            Kind::Undeprecated => "undeprecated",
            Kind::SecurityChanged => "security_changed",
            Kind::PaginationAdded => "pagination_added",
            Kind::PaginationRemoved => "pagination_removed",
            Kind::ParamAdded => "param_added",
            Kind::ParamRemoved => "param_removed",
            Kind::ParamRetyped => "param_retyped",
            Kind::ParamNowRequired => "param_now_required",
            Kind::ParamNowOptional => "param_now_optional",
            Kind::ParamWireChanged => "param_wire_changed",
            Kind::BodyAdded => "body_added",
            Kind::BodyRemoved => "body_removed",
            Kind::BodyRetyped => "body_retyped",
            Kind::BodyNowRequired => "body_now_required",
            Kind::BodyNowOptional => "body_now_optional",
            Kind::ResponseAdded => "response_added",
            Kind::ResponseRemoved => "response_removed",
            Kind::ResponseRenamed => "response_renamed",
            Kind::ResponseRetyped => "response_retyped",
            Kind::ResponseHeadersChanged => "response_headers_changed",
            Kind::TypeAdded => "type_added",
            Kind::TypeRemoved => "type_removed",
            Kind::TypeRenamed => "type_renamed",
            Kind::TypeKindChanged => "type_kind_changed",
            Kind::FieldAdded => "field_added",
            Kind::FieldRemoved => "field_removed",
            Kind::FieldRetyped => "field_retyped",
            Kind::FieldWireChanged => "field_wire_changed",
            Kind::VariantAdded => "variant_added",
            Kind::VariantRemoved => "variant_removed",
            Kind::VariantRetyped => "variant_retyped",
            Kind::AliasRetyped => "alias_retyped",
        }
    }

    /// Whether the change adds to the Rust API (a minor bump when nothing breaks).
    pub fn is_addition(self) -> bool {
        matches!(
            self,
            Kind::FeatureAdded
                | Kind::SecuritySchemeAdded
                | Kind::OperationAdded
                | Kind::PaginationAdded
                | Kind::ParamAdded
                | Kind::BodyAdded
                | Kind::ResponseAdded
                | Kind::TypeAdded
                | Kind::FieldAdded
                | Kind::VariantAdded
                | Kind::Deprecated
        )
    }
}

/// Whether a change breaks each kind of user. `client` and `server` are about compiling: code
/// written against the old crate (calling the client, or implementing the server's `Api`) stops
/// compiling against the new one. The wire fields are about running: whether an old client still
/// works against a new server, and a new client against an old server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Impact {
    pub client: bool,
    pub server: bool,
    pub old_client_new_server: bool,
    pub new_client_old_server: bool,
}

impl Impact {
    pub const NONE: Impact = Impact {
        client: false,
        server: false,
        old_client_new_server: false,
        new_client_old_server: false,
    };

    /// Breaking to compile for client users, server implementers, or both.
    pub fn source(client: bool, server: bool) -> Impact {
        Impact {
            client,
            server,
            ..Impact::NONE
        }
    }

    pub fn wire(mut self, old_client_new_server: bool, new_client_old_server: bool) -> Impact {
        self.old_client_new_server |= old_client_new_server;
        self.new_client_old_server |= new_client_old_server;
        self
    }

    pub fn breaks_source(&self) -> bool {
        self.client || self.server
    }

    pub fn breaks_wire(&self) -> bool {
        self.old_client_new_server || self.new_client_old_server
    }
}

/// One change, with the item it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub subject: Subject,
    pub kind: Kind,
    /// The item's key (`op:repos_get:param:per_page`, `type:Repository.owner`,
    /// `type:State::Open`, `feature:tag-repos`): stable, in the old version's names (the new
    /// ones for additions), so tools can map a compile error to the change that explains it.
    pub key: String,
    /// What changed, in a sentence about the Rust API (`required parameter `owner: &str` added`).
    pub message: String,
    pub impact: Impact,
}

/// The semver bump a crate needs after the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The changes between two versions of an API, sorted by subject and then by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// How each side was named on the command line (or the file paths).
    pub old_label: String,
    pub new_label: String,
    /// `info.version` of each side.
    pub old_version: String,
    pub new_version: String,
    pub changes: Vec<Change>,
}

impl Report {
    /// Major when anything breaks compiling for a client user or a server implementer; minor when
    /// the API only grew; patch when only the wire contract or notes changed; none otherwise.
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| {
                if c.impact.breaks_source() {
                    Bump::Major
                } else if c.kind.is_addition() {
                    Bump::Minor
                } else {
                    Bump::Patch
                }
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// Whether any change breaks compiling for client users or server implementers.
    pub fn breaks_source(&self) -> bool {
        self.changes.iter().any(|c| c.impact.breaks_source())
    }

    /// Whether any change breaks an old client against a new server, or the reverse.
    pub fn breaks_wire(&self) -> bool {
        self.changes.iter().any(|c| c.impact.breaks_wire())
    }

    /// The report for people: a summary, then the changes grouped by operation and by type.
    pub fn to_human(&self) -> String {
        human::render(self)
    }

    /// A short summary for a drift check: the counts, the bump and the breaking changes (at most
    /// `limit` of them).
    pub fn to_summary(&self, limit: usize) -> String {
        human::summary(self, limit)
    }

    /// The report as JSON (pretty-printed, keys in a fixed order).
    pub fn to_json(&self) -> String {
        json::render(self)
    }
}

/// Compares two lowered APIs.
pub fn diff_apis(old: &Api, new: &Api) -> Report {
    let matched = matching::match_apis(old, new);
    let roles = roles::Roles::of(old, new, &matched);
    let mut changes = Vec::new();
    features::diff_features(old, new, &mut changes);
    operations::diff_operations(old, new, &matched, &roles, &mut changes);
    models::diff_types(old, new, &matched, &roles, &mut changes);
    changes.sort_by(|a, b| {
        (&a.subject, &a.key, a.kind, &a.message).cmp(&(&b.subject, &b.key, b.kind, &b.message))
    });
    changes.dedup();
    Report {
        old_label: String::new(),
        new_label: String::new(),
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        changes,
    }
}

/// Loads and lowers a spec as generation does (pagination included), for [`diff_apis`].
pub fn lower_spec(path: &Path, label: &str) -> Result<Api, Diagnostics> {
    let mut config = Config::default();
    config.spec_label(label);
    let mut spec = crate::load_spec_with(path, label, false)?;
    let openapi = std::mem::take(&mut spec.openapi);
    let lowered = match crate::lower::lower_api_owned(openapi) {
        Ok(lowered) => lowered,
        Err(mut diagnostics) => {
            spec.locate(&mut diagnostics);
            return Err(diagnostics);
        }
    };
    let mut api = lowered.api;
    let mut warnings = Diagnostics::default();
    crate::lower::pagination::detect(&mut api, &config.pagination, &mut warnings);
    Ok(api)
}

/// Loads, lowers and compares two specs; the labels name them in the report and in diagnostics.
pub fn diff_specs(
    old: &Path,
    old_label: &str,
    new: &Path,
    new_label: &str,
) -> Result<Report, Diagnostics> {
    // The two sides load and lower on two threads: loading dominates, and they share nothing.
    let (old_api, new_api) = std::thread::scope(|scope| {
        let old_side = scope.spawn(|| lower_spec(old, old_label));
        let new_api = lower_spec(new, new_label);
        let old_api = old_side.join().unwrap_or_else(|_| {
            let mut d = crate::Diagnostic::error("", "lowering the old description panicked");
            d.file = old_label.to_owned();
            Err(Diagnostics(vec![d]))
        });
        (old_api, new_api)
    });
    let (old_api, new_api) = (old_api?, new_api?);
    let mut report = diff_apis(&old_api, &new_api);
    report.old_label = old_label.to_owned();
    report.new_label = new_label.to_owned();
    Ok(report)
}
