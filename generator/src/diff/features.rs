//! Changes to the crate's surface outside operations and types: per-tag cargo features, and
//! security schemes (the client's `with_<scheme>` setters, the server's `Credentials` fields).

use super::{Change, Impact, Kind, Subject};
use crate::ir::Api;
use crate::names;

pub fn diff_features(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let feature = |t: &crate::ir::Tag| format!("tag-{}", t.feature_name);
    let old_features: Vec<String> = old.tags.iter().map(feature).collect();
    let new_features: Vec<String> = new.tags.iter().map(feature).collect();
    for name in old_features.iter().filter(|f| !new_features.contains(f)) {
        out.push(Change {
            subject: Subject::Feature(name.clone()),
            kind: Kind::FeatureRemoved,
            key: format!("feature:{name}"),
            message: format!(
                "feature `{name}` removed: a `Cargo.toml` that enables it no longer resolves"
            ),
            impact: Impact::source(true, true),
        });
    }
    for name in new_features.iter().filter(|f| !old_features.contains(f)) {
        out.push(Change {
            subject: Subject::Feature(name.clone()),
            kind: Kind::FeatureAdded,
            key: format!("feature:{name}"),
            message: format!("feature `{name}` added (on by default)"),
            impact: Impact::NONE,
        });
    }
    for scheme in &old.security_schemes {
        let setter = format!("with_{}", names::stem(&scheme.rust_name));
        match new
            .security_schemes
            .iter()
            .find(|s| s.rust_name == scheme.rust_name)
        {
            None => out.push(Change {
                subject: Subject::Security(scheme.wire_name.clone()),
                kind: Kind::SecuritySchemeRemoved,
                key: format!("security:{}", scheme.rust_name),
                message: format!(
                    "security scheme `{}` removed: `Client::{setter}` and `Credentials::{}` are gone",
                    scheme.wire_name, scheme.rust_name
                ),
                impact: Impact::source(true, true).wire(true, false),
            }),
            Some(now) if now.kind != scheme.kind => out.push(Change {
                subject: Subject::Security(scheme.wire_name.clone()),
                kind: Kind::SecurityChanged,
                key: format!("security:{}", scheme.rust_name),
                message: format!(
                    "security scheme `{}` is sent differently (was {:?}, now {:?})",
                    scheme.wire_name, scheme.kind, now.kind
                ),
                impact: Impact::NONE.wire(true, true),
            }),
            Some(_) => {}
        }
    }
    for scheme in &new.security_schemes {
        if !old
            .security_schemes
            .iter()
            .any(|s| s.rust_name == scheme.rust_name)
        {
            let setter = format!("with_{}", names::stem(&scheme.rust_name));
            out.push(Change {
                subject: Subject::Security(scheme.wire_name.clone()),
                kind: Kind::SecuritySchemeAdded,
                key: format!("security:{}", scheme.rust_name),
                message: format!(
                    "security scheme `{}` added: `Client::{setter}`, `Credentials::{}`",
                    scheme.wire_name, scheme.rust_name
                ),
                impact: Impact::NONE,
            });
        }
    }
}
