//! An in-memory implementation of Qovery's `createOrganization` (`POST /organization`).
//!
//! Rules (from the Qovery OpenAPI description):
//! - A caller authenticates with `Authorization: Bearer <jwt>` or `Authorization: Token <key>`;
//!   the generated router already answers `401` when neither is present. Every credential is
//!   accepted, and each one is an identity with its own stable owner UUID.
//! - `400` for a missing body or a blank name (the router already refuses what the schema rules
//!   out, such as a plan outside `PlanEnum`, before this code runs).
//! - `409` when the name is already taken; names are compared case-insensitively.
//! - `201` with the new `Organization`: a fresh UUID, `created_at` now, the caller as `owner`,
//!   and the request's fields echoed back.
//!
//! Shared by the `qovery_server` example and the `qovery_roundtrip` integration test.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use generated::qovery::model::{Organization, OrganizationRequest};
use generated::qovery::operations::CreateOrganizationResponse;
use generated::qovery::server::{Api, CreateOrganizationInput, Credentials};
use uuid::Uuid;

/// Who is calling. A JWT and an API token with the same text are still different callers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Jwt(String),
    ApiToken(String),
}

impl Identity {
    /// The caller's identity; a Bearer JWT wins if (impossibly, one header) both came.
    fn of(credentials: &Credentials) -> Option<Self> {
        let jwt = credentials
            .bearer_auth
            .as_ref()
            .map(|s| Identity::Jwt(s.expose().to_owned()));
        let key = credentials
            .api_key_auth
            .as_ref()
            .map(|s| Identity::ApiToken(s.expose().to_owned()));
        jwt.or(key)
    }
}

#[derive(Debug, Default)]
struct State {
    /// Lowercased names of the existing organizations: "name is case insensitive".
    taken_names: HashSet<String>,
    /// The owner UUID handed to each identity the first time it shows up.
    owners: HashMap<Identity, Uuid>,
}

/// The service. Cheap to share: the router wraps it in an `Arc`.
#[derive(Debug, Default)]
pub struct QoveryService {
    state: Mutex<State>,
}

impl QoveryService {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Whether the request may create an organization, before looking at what already exists: a
/// business rule the schema does not state (it allows any string as a name).
fn is_valid(request: &OrganizationRequest) -> bool {
    !request.name.trim().is_empty()
}

impl Api for QoveryService {
    async fn create_organization(
        self: Arc<Self>,
        input: CreateOrganizationInput,
    ) -> CreateOrganizationResponse {
        let Some(identity) = Identity::of(&input.credentials) else {
            return CreateOrganizationResponse::Unauthorized;
        };
        let Some(request) = input.body.filter(is_valid) else {
            return CreateOrganizationResponse::BadRequest;
        };
        let mut state = self.state.lock().expect("lock poisoned");
        // `insert` is false when the lowercased name was already there: check and claim at once.
        if !state.taken_names.insert(request.name.to_lowercase()) {
            return CreateOrganizationResponse::Conflict;
        }
        let owner = *state.owners.entry(identity).or_insert_with(Uuid::new_v4);
        CreateOrganizationResponse::Created(Organization {
            id: Uuid::new_v4(),
            created_at: chrono::Utc::now(),
            updated_at: None,
            name: request.name,
            description: request.description,
            plan: request.plan,
            website_url: request.website_url,
            repository: request.repository,
            logo_url: request.logo_url,
            icon_url: request.icon_url,
            admin_emails: request.admin_emails,
            owner: Some(owner),
            // Absent rather than invented: this service imposes no billing restriction.
            billing_deployment_restriction: None,
            organization_plan: None,
        })
    }
}
