//! Changes to operations as the emitted code shows them: the client's method (required
//! parameters as arguments in order, optional ones in an `<Op>Options` struct, the body as an
//! argument), the server's `Api` trait method and `<Op>Input` struct, and the response enum
//! (matched exhaustively by clients, built by servers; it has no catch-all variant).

use std::collections::BTreeMap;

use super::matching::{Matched, Pair};
use super::roles::Roles;
use super::types::{
    body_arg_text, body_field_text, param_arg_text, param_field_text, response_body_text,
    type_text, Spelling,
};
use super::{Change, Impact, Kind, Subject};
use crate::ir::{Api, Operation, Param, Response, StatusMatch};

/// Both versions with how each spells types.
struct Sides<'a> {
    old: &'a Api,
    new: &'a Api,
    old_spelling: Spelling<'a>,
    new_spelling: Spelling<'a>,
}

pub fn diff_operations(
    old: &Api,
    new: &Api,
    matched: &Matched,
    _roles: &Roles,
    out: &mut Vec<Change>,
) {
    let sides = Sides {
        old,
        new,
        old_spelling: Spelling::compare(Some(&matched.type_renames)),
        new_spelling: Spelling::compare(None),
    };
    let old_receivers: Vec<&Operation> = old.webhooks.iter().chain(&old.callbacks).collect();
    let new_receivers: Vec<&Operation> = new.webhooks.iter().chain(&new.callbacks).collect();
    let old_ops: Vec<&Operation> = old.operations.iter().collect();
    let new_ops: Vec<&Operation> = new.operations.iter().collect();
    diff_list(&sides, &old_ops, &new_ops, &matched.operations, false, out);
    diff_list(
        &sides,
        &old_receivers,
        &new_receivers,
        &matched.receivers,
        true,
        out,
    );
}

fn diff_list(
    sides: &Sides,
    old: &[&Operation],
    new: &[&Operation],
    pairs: &[Pair],
    receivers: bool,
    out: &mut Vec<Change>,
) {
    let prefix = if receivers { "hook" } else { "op" };
    let subject = |name: &str| {
        if receivers {
            Subject::Receiver(name.to_owned())
        } else {
            Subject::Operation(name.to_owned())
        }
    };
    for pair in pairs {
        match *pair {
            (None, Some(j)) => {
                let op = new[j];
                out.push(Change {
                    subject: subject(&op.rust_name),
                    kind: Kind::OperationAdded,
                    key: format!("{prefix}:{}", op.rust_name),
                    message: format!(
                        "operation added: `Client::{}` and `Api::{}` ({} {}); every `Api` implementation must add the method",
                        op.rust_name,
                        op.rust_name,
                        op.method.as_str(),
                        op.path
                    ),
                    impact: Impact::source(false, true).wire(false, true),
                });
            }
            (Some(i), None) => {
                let op = old[i];
                out.push(Change {
                    subject: subject(&op.rust_name),
                    kind: Kind::OperationRemoved,
                    key: format!("{prefix}:{}", op.rust_name),
                    message: format!(
                        "operation removed: `Client::{}` and `Api::{}` ({} {}) are gone",
                        op.rust_name,
                        op.rust_name,
                        op.method.as_str(),
                        op.path
                    ),
                    impact: Impact::source(true, true).wire(true, false),
                });
            }
            (Some(i), Some(j)) => {
                let (o, n) = (old[i], new[j]);
                let mut diff = OperationDiff {
                    sides,
                    old: o,
                    new: n,
                    subject: subject(&o.rust_name),
                    key: format!("{prefix}:{}", o.rust_name),
                    out,
                };
                diff.run();
            }
            (None, None) => {}
        }
    }
}

struct OperationDiff<'a, 'b> {
    sides: &'a Sides<'a>,
    old: &'a Operation,
    new: &'a Operation,
    subject: Subject,
    key: String,
    out: &'b mut Vec<Change>,
}

impl OperationDiff<'_, '_> {
    fn push(&mut self, kind: Kind, key: String, message: String, impact: Impact) {
        self.out.push(Change {
            subject: self.subject.clone(),
            kind,
            key,
            message,
            impact,
        });
    }

    fn run(&mut self) {
        let (o, n) = (self.old, self.new);
        if o.rust_name != n.rust_name || o.names != n.names {
            let ids = if o.wire_name != n.wire_name {
                format!(" (operationId `{}` is now `{}`)", o.wire_name, n.wire_name)
            } else {
                String::new()
            };
            self.push(
                Kind::OperationRenamed,
                self.key.clone(),
                format!(
                    "method `{}` renamed to `{}`{ids}; its types are now `{}`, `{}`, `{}`",
                    o.rust_name, n.rust_name, n.names.input, n.names.options, n.names.response
                ),
                Impact::source(true, true),
            );
        }
        if o.method != n.method || o.path != n.path {
            self.push(
                Kind::RouteChanged,
                self.key.clone(),
                format!(
                    "route changed from `{} {}` to `{} {}`",
                    o.method.as_str(),
                    o.path,
                    n.method.as_str(),
                    n.path
                ),
                Impact::NONE.wire(true, true),
            );
        }
        if o.tags != n.tags {
            let lost: Vec<&String> = o.tags.iter().filter(|t| !n.tags.contains(t)).collect();
            let breaks = !lost.is_empty() && !n.tags.is_empty();
            self.push(
                Kind::TagsChanged,
                self.key.clone(),
                format!(
                    "tags changed from {:?} to {:?}{}",
                    o.tags,
                    n.tags,
                    if breaks {
                        ": a build that enables only the old tags' features loses the method"
                    } else {
                        ""
                    }
                ),
                Impact::source(breaks, breaks),
            );
        }
        if o.deprecated != n.deprecated {
            let (kind, text) = if n.deprecated {
                (Kind::Deprecated, "deprecated: calls now warn")
            } else {
                (Kind::Undeprecated, "no longer deprecated")
            };
            self.push(kind, self.key.clone(), text.to_owned(), Impact::NONE);
        }
        let security = |api: &Api, op: &Operation| -> Vec<Vec<String>> {
            op.security
                .iter()
                .map(|alt| {
                    let mut names: Vec<String> = alt
                        .iter()
                        .filter_map(|i| api.security_schemes.get(*i))
                        .map(|s| s.wire_name.clone())
                        .collect();
                    names.sort();
                    names
                })
                .collect()
        };
        let (old_security, new_security) =
            (security(self.sides.old, o), security(self.sides.new, n));
        if old_security != new_security {
            self.push(
                Kind::SecurityChanged,
                self.key.clone(),
                format!("security requirements changed from {old_security:?} to {new_security:?}"),
                Impact::NONE.wire(true, true),
            );
        }
        match (o.pagination.is_some(), n.pagination.is_some()) {
            (false, true) => self.push(
                Kind::PaginationAdded,
                format!("{}:all", self.key),
                format!(
                    "method `{}_all` added: every item, page after page",
                    n.rust_name
                ),
                Impact::NONE,
            ),
            (true, false) => self.push(
                Kind::PaginationRemoved,
                format!("{}:all", self.key),
                format!(
                    "method `{}_all` removed: the generator no longer sees how the operation pages",
                    o.rust_name
                ),
                Impact::source(true, false),
            ),
            _ => {}
        }
        self.params();
        self.body();
        self.responses();
    }

    fn params(&mut self) {
        let (o, n) = (self.old, self.new);
        let (old_api, new_api) = (self.sides.old, self.sides.new);
        let (os, ns) = (self.sides.old_spelling, self.sides.new_spelling);
        let old_had_options = o.params.iter().any(|p| !p.required);
        let new_has_options = n.params.iter().any(|p| !p.required);
        // Required parameters are positional: a call breaks when the argument types change, not
        // when a parameter only changes its name.
        let positional = |api: &Api, op: &Operation, sp: Spelling| -> Vec<String> {
            op.required_in_call_order()
                .into_iter()
                .map(|p| param_arg_text(api, p, sp))
                .collect()
        };
        let positional_change = positional(old_api, o, os) != positional(new_api, n, ns);
        for p in &o.params {
            let key = format!("{}:param:{}", self.key, p.rust_name);
            let Some(q) = n.params.iter().find(|q| q.rust_name == p.rust_name) else {
                let message = if p.required {
                    format!(
                        "required parameter `{}: {}` removed{}",
                        p.rust_name,
                        param_arg_text(old_api, p, os),
                        if positional_change {
                            ": calls pass the old arguments"
                        } else {
                            "; a parameter of the same type takes its place"
                        }
                    )
                } else if !new_has_options {
                    format!(
                        "optional parameter `{}` removed, and with it the method's options argument",
                        p.rust_name
                    )
                } else {
                    format!(
                        "optional parameter `{}` removed from `{}`",
                        p.rust_name, o.names.options
                    )
                };
                let client = !p.required || positional_change;
                self.push(
                    Kind::ParamRemoved,
                    key,
                    message,
                    Impact::source(client, true).wire(false, p.required),
                );
                continue;
            };
            if p.required != q.required {
                let (kind, message, wire) = if q.required {
                    (
                        Kind::ParamNowRequired,
                        format!(
                            "parameter `{}` is now required: an argument `{}` instead of a field of `{}`",
                            p.rust_name,
                            param_arg_text(new_api, q, ns),
                            o.names.options
                        ),
                        (true, false),
                    )
                } else {
                    (
                        Kind::ParamNowOptional,
                        format!(
                            "parameter `{}` is now optional: a field `{}` of `{}` instead of an argument",
                            p.rust_name,
                            param_field_text(new_api, q, ns),
                            n.names.options
                        ),
                        (false, true),
                    )
                };
                self.push(
                    kind,
                    key,
                    message,
                    Impact::source(true, true).wire(wire.0, wire.1),
                );
                continue;
            }
            let client_old = client_param_text(old_api, p, os);
            let client_new = client_param_text(new_api, q, ns);
            let server_old = param_field_text(old_api, p, os);
            let server_new = param_field_text(new_api, q, ns);
            if client_old != client_new || server_old != server_new {
                self.push(
                    Kind::ParamRetyped,
                    key.clone(),
                    format!(
                        "parameter `{}` retyped from `{server_old}` to `{server_new}`",
                        p.rust_name
                    ),
                    Impact::source(
                        client_old != client_new && (!p.required || positional_change),
                        server_old != server_new,
                    )
                    .wire(true, true),
                );
            }
            if p.wire_name != q.wire_name || p.location != q.location {
                self.push(
                    Kind::ParamWireChanged,
                    key,
                    format!(
                        "parameter `{}` is now sent as {} `{}` (was {} `{}`)",
                        p.rust_name,
                        q.location.as_str(),
                        q.wire_name,
                        p.location.as_str(),
                        p.wire_name
                    ),
                    Impact::NONE.wire(true, true),
                );
            }
        }
        for q in &n.params {
            if o.params.iter().any(|p| p.rust_name == q.rust_name) {
                continue;
            }
            let key = format!("{}:param:{}", self.key, q.rust_name);
            if q.required {
                self.push(
                    Kind::ParamAdded,
                    key,
                    format!(
                        "required parameter `{}: {}` added ({}){}",
                        q.rust_name,
                        param_arg_text(new_api, q, ns),
                        q.location.as_str(),
                        if positional_change {
                            ": every call needs a new argument"
                        } else {
                            "; it takes the place of one removed, with the same type"
                        }
                    ),
                    Impact::source(positional_change, false).wire(true, false),
                );
            } else if !old_had_options {
                self.push(
                    Kind::ParamAdded,
                    key,
                    format!(
                        "optional parameter `{}: {}` added ({}): the method takes a new `&{}` argument",
                        q.rust_name,
                        param_field_text(new_api, q, ns),
                        q.location.as_str(),
                        n.names.options
                    ),
                    Impact::source(true, false),
                );
            } else {
                self.push(
                    Kind::ParamAdded,
                    key,
                    format!(
                        "optional parameter `{}: {}` added ({}) to `{}`, which has `Default`",
                        q.rust_name,
                        param_field_text(new_api, q, ns),
                        q.location.as_str(),
                        n.names.options
                    ),
                    Impact::NONE,
                );
            }
        }
        // Required parameters are positional: the same names in another order break calls (or,
        // worse, swap values of one type).
        let order = |op: &Operation| -> Vec<String> {
            op.required_in_call_order()
                .into_iter()
                .map(|p| p.rust_name.clone())
                .collect()
        };
        let (old_order, new_order) = (order(o), order(n));
        let common_old: Vec<&String> = old_order.iter().filter(|p| new_order.contains(p)).collect();
        let common_new: Vec<&String> = new_order.iter().filter(|p| old_order.contains(p)).collect();
        if common_old != common_new {
            self.push(
                Kind::ParamRetyped,
                format!("{}:args", self.key),
                format!("required arguments reordered: ({old_order:?}) is now ({new_order:?})"),
                Impact::source(true, false),
            );
        }
    }

    fn body(&mut self) {
        let (o, n) = (self.old, self.new);
        let (old_api, new_api) = (self.sides.old, self.sides.new);
        let (os, ns) = (self.sides.old_spelling, self.sides.new_spelling);
        let key = format!("{}:body", self.key);
        match (&o.body, &n.body) {
            (None, None) => {}
            (None, Some(b)) => self.push(
                Kind::BodyAdded,
                key,
                format!(
                    "request body `{}` ({}) added: the method takes a new argument",
                    body_arg_text(new_api, b, ns, ""),
                    b.content_type
                ),
                Impact::source(true, false).wire(b.required, false),
            ),
            (Some(b), None) => self.push(
                Kind::BodyRemoved,
                key,
                format!(
                    "request body `{}` removed: calls pass one argument too many",
                    body_arg_text(old_api, b, os, "")
                ),
                Impact::source(true, true).wire(false, b.required),
            ),
            (Some(b), Some(c)) => {
                if b.required != c.required {
                    let kind = if c.required {
                        Kind::BodyNowRequired
                    } else {
                        Kind::BodyNowOptional
                    };
                    self.push(
                        kind,
                        key.clone(),
                        format!(
                            "request body is now {}: `{}` instead of `{}`",
                            if c.required { "required" } else { "optional" },
                            body_arg_text(new_api, c, ns, ""),
                            body_arg_text(old_api, b, os, "")
                        ),
                        Impact::source(true, true).wire(c.required, !c.required),
                    );
                    return;
                }
                let client = (
                    body_arg_text(old_api, b, os, ""),
                    body_arg_text(new_api, c, ns, ""),
                );
                let server = (
                    body_field_text(old_api, b, os, ""),
                    body_field_text(new_api, c, ns, ""),
                );
                if client.0 != client.1 || server.0 != server.1 {
                    self.push(
                        Kind::BodyRetyped,
                        key.clone(),
                        format!("request body retyped from `{}` to `{}`", server.0, server.1),
                        Impact::source(client.0 != client.1, server.0 != server.1).wire(true, true),
                    );
                } else if b.content_type != c.content_type {
                    self.push(
                        Kind::BodyRetyped,
                        key,
                        format!(
                            "request body is now sent as `{}` (was `{}`)",
                            c.content_type, b.content_type
                        ),
                        Impact::NONE.wire(true, true),
                    );
                }
            }
        }
    }

    fn responses(&mut self) {
        let (o, n) = (self.old, self.new);
        let enum_name = &o.names.response;
        let same =
            |a: &Response, b: &Response| a.status == b.status && a.alternative == b.alternative;
        for r in &o.responses {
            let key = format!("{}:response:{}", self.key, r.rust_name);
            let Some(s) = n.responses.iter().find(|s| same(r, s)) else {
                let covered = covered(&n.responses, r.status);
                self.push(
                    Kind::ResponseRemoved,
                    key,
                    format!(
                        "response {} removed: variant `{enum_name}::{}` is gone",
                        status_text(r.status),
                        r.rust_name
                    ),
                    Impact::source(true, true).wire(false, !covered),
                );
                continue;
            };
            if r.rust_name != s.rust_name {
                self.push(
                    Kind::ResponseRenamed,
                    key.clone(),
                    format!(
                        "response {}: variant `{enum_name}::{}` renamed to `{}`",
                        status_text(r.status),
                        r.rust_name,
                        s.rust_name
                    ),
                    Impact::source(true, true),
                );
            }
            let old_body = self.variant_body(r, true);
            let new_body = self.variant_body(s, false);
            if old_body != new_body {
                self.push(
                    Kind::ResponseRetyped,
                    key.clone(),
                    format!(
                        "response {}: variant `{enum_name}::{}` now holds {} (was {})",
                        status_text(r.status),
                        r.rust_name,
                        describe_body(&new_body),
                        describe_body(&old_body)
                    ),
                    Impact::source(true, true).wire(true, true),
                );
            }
            self.headers(r, s, &key);
        }
        for s in &n.responses {
            if o.responses.iter().any(|r| same(r, s)) {
                continue;
            }
            let covered = covered(&o.responses, s.status);
            self.push(
                Kind::ResponseAdded,
                format!("{}:response:{}", self.key, s.rust_name),
                format!(
                    "response {} added: variant `{}::{}`; an exhaustive `match` on the response needs a new arm",
                    status_text(s.status),
                    n.names.response,
                    s.rust_name
                ),
                Impact::source(true, false).wire(!covered, false),
            );
        }
    }

    /// What a variant holds besides headers: the status for ranges and `default`, and its body.
    fn variant_body(&self, r: &Response, old: bool) -> (bool, Option<String>) {
        let (api, spelling) = if old {
            (self.sides.old, self.sides.old_spelling)
        } else {
            (self.sides.new, self.sides.new_spelling)
        };
        (
            !matches!(r.status, StatusMatch::Code(_)),
            r.body
                .as_ref()
                .map(|b| response_body_text(api, b, spelling, "")),
        )
    }

    fn headers(&mut self, r: &Response, s: &Response, key: &str) {
        let (old_api, new_api) = (self.sides.old, self.sides.new);
        let (os, ns) = (self.sides.old_spelling, self.sides.new_spelling);
        let fields =
            |api: &Api, resp: &Response, sp: Spelling| -> BTreeMap<String, (String, bool)> {
                resp.headers
                    .iter()
                    .map(|h| {
                        let ty = type_text(api, &h.ty, sp);
                        let ty = if h.required {
                            ty
                        } else {
                            format!("Option<{ty}>")
                        };
                        (h.rust_name.clone(), (ty, h.required))
                    })
                    .collect()
            };
        let (a, b) = (fields(old_api, r, os), fields(new_api, s, ns));
        if r.headers_type.is_some() != s.headers_type.is_some() {
            self.push(
                Kind::ResponseHeadersChanged,
                key.to_owned(),
                format!(
                    "response {}: variant `{}` {} a `headers` field",
                    status_text(r.status),
                    r.rust_name,
                    if s.headers_type.is_some() {
                        "gains"
                    } else {
                        "loses"
                    }
                ),
                Impact::source(true, true),
            );
            return;
        }
        if a == b && r.headers_type == s.headers_type {
            return;
        }
        let renamed = r.headers_type != s.headers_type;
        let removed_or_retyped = a.iter().any(|(name, old)| b.get(name) != Some(old));
        let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        // The server builds the headers struct: with a literal, or from `Default` when every
        // header is optional.
        let old_default = a.values().all(|(_, required)| !required);
        let new_default = b.values().all(|(_, required)| !required);
        let breaks_builder =
            renamed || removed_or_retyped || !(added.is_empty() || old_default && new_default);
        self.push(
            Kind::ResponseHeadersChanged,
            key.to_owned(),
            format!(
                "response {}: headers changed from {{{}}} to {{{}}}",
                status_text(r.status),
                describe_fields(&a),
                describe_fields(&b)
            ),
            Impact::source(renamed || removed_or_retyped, breaks_builder).wire(
                b.iter()
                    .any(|(n, (_, req))| *req && a.get(n).is_none_or(|(_, r)| !r)),
                false,
            ),
        );
    }
}

/// The client's view of a parameter: its argument, or its options field.
fn client_param_text(api: &Api, p: &Param, spelling: Spelling) -> String {
    if p.required {
        param_arg_text(api, p, spelling)
    } else {
        param_field_text(api, p, spelling)
    }
}

/// Whether a status is read by another response of the list: a range or `default`.
fn covered(responses: &[Response], status: StatusMatch) -> bool {
    responses.iter().any(|r| match (r.status, status) {
        (StatusMatch::Default, _) => true,
        (StatusMatch::Range(h), StatusMatch::Code(c)) => c / 100 == h,
        _ => false,
    })
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(h) => format!("{h}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn describe_body(body: &(bool, Option<String>)) -> String {
    match body {
        (_, Some(ty)) => format!("`{ty}`"),
        (_, None) => "no body".to_owned(),
    }
}

fn describe_fields(fields: &BTreeMap<String, (String, bool)>) -> String {
    fields
        .iter()
        .map(|(name, (ty, _))| format!("{name}: {ty}"))
        .collect::<Vec<_>>()
        .join(", ")
}
