//! An in-memory implementation of the Coveo organizations API, following the Coveo docs.
//!
//! Rules (from the Coveo "create / get the organizationId / delete an organization" pages):
//! - The organizationId is the display name lowercased, keeping only ASCII letters and digits.
//!   When that ID exists, a sequential number starting at 2 is appended
//!   (`mycoveosearchorg`, then `mycoveosearchorg2`, `mycoveosearchorg3`, ...).
//! - A name with no letter or digit gives no ID at all: `400` with `errorCode: INVALID_NAME`.
//! - The display name is kept exactly as given; `createdDate` is in Unix epoch milliseconds.
//! - Every Bearer token is an identity. The identity that creates an organization may view and
//!   edit it; no other identity may do either.
//! - Authentication is a tower layer in front of the generated router ([`PrincipalLayer`]): it
//!   turns the Bearer token into a [`Principal`] in the request's extensions, and the
//!   implementation authorises with that principal (`input.request`), never with the raw token.
//! - Listing shows only the organizations the caller may view. Deleting needs edit rights
//!   (`403` otherwise), an unknown ID is `404`, and a deleted organization is gone for good.
//!
//! Shared by the `coveo_server` example and the `coveo_roundtrip` integration test. It names the
//! generated module as `super::api`, so the includer picks which one it serves (`coveo`, or
//! `coveo_swagger2`, generated from the Swagger 2.0 version of the same API).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use super::api::model::{Error, OrganizationCreated, OrganizationOwner, OrganizationSummary};
use super::api::operations::{
    CreateOrganizationResponse, DeleteOrganizationResponse, ListOrganizationsResponse,
};
use super::api::server::{
    Api, CreateOrganizationInput, DeleteOrganizationInput, ListOrganizationsInput, Rejection,
    RequestContext,
};

/// Who is calling, as [`PrincipalLayer`] established it from the request's Bearer token. A real
/// deployment would verify the token here (a JWT's signature, an introspection call) and keep
/// its claims; this example takes each token as an identity of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub identity: String,
}

impl Principal {
    /// The principal a request's `Authorization: Bearer <token>` header names, if any.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<Self> {
        let value = headers
            .get(axum::http::header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        let (scheme, token) = value.split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| Principal {
            identity: token.to_owned(),
        })
    }
}

/// A tower layer that authenticates each request before the generated router sees it: it puts
/// the [`Principal`] of the request's Bearer token in the request's extensions, where each
/// operation's `input.request.extensions()` finds it. Apply it with
/// `router(service).layer(PrincipalLayer)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrincipalLayer;

impl<S> tower::Layer<S> for PrincipalLayer {
    type Service = Authenticate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authenticate { inner }
    }
}

/// The service [`PrincipalLayer`] wraps around the router: synchronous, no boxing, so it adds
/// only the header lookup and the extension to each request.
#[derive(Debug, Clone)]
pub struct Authenticate<S> {
    inner: S,
}

impl<S, B> tower::Service<axum::http::Request<B>> for Authenticate<S>
where
    S: tower::Service<axum::http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: axum::http::Request<B>) -> Self::Future {
        if let Some(principal) = Principal::from_headers(request.headers()) {
            request.extensions_mut().insert(principal);
        }
        self.inner.call(request)
    }
}

/// One stored organization.
#[derive(Debug, Clone)]
struct Organization {
    id: String,
    display_name: String,
    created_date: i64,
    /// The Bearer token that created it: that identity's rights are what the docs describe.
    creator: String,
}

impl Organization {
    /// The docs' "Organization - View" privilege: only the creator holds it here.
    fn may_view(&self, identity: &str) -> bool {
        self.creator == identity
    }

    /// The docs' "Organization - Edit" privilege (needed to delete): only the creator holds it.
    fn may_edit(&self, identity: &str) -> bool {
        self.creator == identity
    }

    fn summary(&self, identity: &str) -> OrganizationSummary {
        OrganizationSummary {
            created_date: self.created_date,
            display_name: self.display_name.clone(),
            email_notifications_enabled: false,
            id: self.id.clone(),
            // A token carries no email address; the spec allows an empty one.
            owner: OrganizationOwner {
                email: String::new(),
            },
            read_only: !self.may_edit(identity),
        }
    }
}

/// The service. Cheap to share: the router wraps it in an `Arc`.
#[derive(Debug, Default)]
pub struct CoveoService {
    /// Keyed by organizationId, so listings come out in a stable (alphabetical) order.
    organizations: Mutex<BTreeMap<String, Organization>>,
}

impl CoveoService {
    pub fn new() -> Self {
        Self::default()
    }
}

/// The display name's ASCII letters and digits, lowercased: the organizationId before any suffix.
pub fn base_organization_id(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `base` itself when free, else `base` followed by the first free number from 2 up.
fn unique_organization_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2u64..)
        .map(|n| format!("{base}{n}"))
        .find(|candidate| !taken(candidate))
        .expect("finitely many organizations leave some number free")
}

fn error(error_code: &str, message: impl Into<String>) -> Error {
    Error {
        error_code: error_code.to_owned(),
        message: message.into(),
    }
}

/// The caller's identity: the [`Principal`] the authentication layer attached. The router
/// already answers `401` without a token, but a router served without [`PrincipalLayer`] (or a
/// call made directly) has no principal: refuse rather than panic.
fn identity(request: &RequestContext) -> Result<String, Error> {
    request
        .extensions()
        .get::<Principal>()
        .map(|principal| principal.identity.clone())
        .ok_or_else(|| error("UNAUTHORIZED", "the request was not authenticated"))
}

/// Renders requests the router refuses (missing token, missing `name`, ...) in the spec's `Error`
/// shape, so the generated client decodes them as documented responses. Pass it with
/// `ServerConfig::default().rejection_body(rejection_body)`.
pub fn rejection_body(rejection: &Rejection) -> serde_json::Value {
    // "Bad Request" -> "BAD_REQUEST": stable codes in the style of the spec's `INVALID_NAME`.
    let error_code = rejection
        .status
        .canonical_reason()
        .unwrap_or("Error")
        .to_ascii_uppercase()
        .replace(' ', "_");
    let message = match &rejection.location {
        Some(location) => format!("{} (at {location})", rejection.message),
        None => rejection.message.clone(),
    };
    serde_json::to_value(error(&error_code, message)).expect("Error always serializes")
}

/// Milliseconds since the Unix epoch, the unit of `createdDate`.
fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Api for CoveoService {
    async fn create_organization(
        self: Arc<Self>,
        input: CreateOrganizationInput,
    ) -> CreateOrganizationResponse {
        let creator = match identity(&input.request) {
            Ok(identity) => identity,
            Err(body) => return CreateOrganizationResponse::Unauthorized(body),
        };
        let base = base_organization_id(&input.name);
        if base.is_empty() {
            return CreateOrganizationResponse::BadRequest(error(
                "INVALID_NAME",
                "the organization name must contain at least one ASCII letter or digit",
            ));
        }
        let mut organizations = self.organizations.lock().expect("lock poisoned");
        let id = unique_organization_id(&base, |candidate| organizations.contains_key(candidate));
        organizations.insert(
            id.clone(),
            Organization {
                id: id.clone(),
                display_name: input.name,
                created_date: now_millis(),
                creator,
            },
        );
        CreateOrganizationResponse::Created(OrganizationCreated { id })
    }

    async fn delete_organization(
        self: Arc<Self>,
        input: DeleteOrganizationInput,
    ) -> DeleteOrganizationResponse {
        let caller = match identity(&input.request) {
            Ok(identity) => identity,
            Err(body) => return DeleteOrganizationResponse::Unauthorized(body),
        };
        let mut organizations = self.organizations.lock().expect("lock poisoned");
        match organizations.get(&input.organization_id) {
            None => DeleteOrganizationResponse::NotFound(error(
                "ORGANIZATION_NOT_FOUND",
                format!("no organization has the ID {:?}", input.organization_id),
            )),
            Some(organization) if !organization.may_edit(&caller) => {
                DeleteOrganizationResponse::Forbidden(error(
                    "FORBIDDEN",
                    "the access token lacks the Organization - Edit privilege in this organization",
                ))
            }
            Some(_) => {
                organizations.remove(&input.organization_id);
                DeleteOrganizationResponse::NoContent
            }
        }
    }

    async fn list_organizations(
        self: Arc<Self>,
        input: ListOrganizationsInput,
    ) -> ListOrganizationsResponse {
        let caller = match identity(&input.request) {
            Ok(identity) => identity,
            Err(body) => return ListOrganizationsResponse::Unauthorized(body),
        };
        let organizations = self.organizations.lock().expect("lock poisoned");
        ListOrganizationsResponse::Ok(
            organizations
                .values()
                .filter(|organization| organization.may_view(&caller))
                .map(|organization| organization.summary(&caller))
                .collect(),
        )
    }
}
