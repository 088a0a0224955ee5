//! The generated Qovery client against the generated Qovery router, over real HTTP on 127.0.0.1.
//!
//! The behavioral tests run the in-memory service of the examples; raw `reqwest` calls check what
//! the typed client cannot send (no body, broken JSON, other auth schemes).
//! `every_documented_response_survives_the_wire` uses a scripted service to prove each documented
//! variant decodes to what the server encoded, including `403` and `404`, which the in-memory
//! service never produces.

mod support;

#[path = "../examples/support/qovery_service.rs"]
mod qovery_service;

use chrono::{TimeZone as _, Utc};
use generated::qovery::client::Client;
use generated::qovery::model::{
    Organization, OrganizationOrganizationPlan, OrganizationRequest, PlanEnum,
};
use generated::qovery::operations::CreateOrganizationResponse;
use generated::qovery::server::{router, Api, CreateOrganizationInput, Credentials};
use qovery_service::QoveryService;
use std::sync::Arc;
use uuid::Uuid;

/// Serves `api` on a free port of 127.0.0.1 for the rest of the test; returns its base URL.
async fn serve(api: impl Api) -> String {
    format!("http://{}", support::serve(router(api)).await)
}

/// A request with only the required fields.
fn request(name: &str, plan: PlanEnum) -> OrganizationRequest {
    OrganizationRequest {
        name: name.to_owned(),
        description: None,
        plan,
        website_url: None,
        repository: None,
        logo_url: None,
        icon_url: None,
        admin_emails: None,
    }
}

async fn create(client: &Client, body: &OrganizationRequest) -> Organization {
    match client.create_organization(Some(body)).await.unwrap() {
        CreateOrganizationResponse::Created(organization) => organization,
        other => panic!("creating {:?}: expected 201, got {other:?}", body.name),
    }
}

#[tokio::test]
async fn a_bearer_jwt_creates_201_echoing_the_request() {
    let base = serve(QoveryService::new()).await;
    let client = Client::new(&base).with_bearer_auth("header.payload.signature");
    // Every optional field, including an explicit `null`, which must come back as `null`.
    let body = OrganizationRequest {
        description: Some(Some("Rockets and anvils".to_owned())),
        website_url: Some(None),
        repository: Some(Some("https://github.com/acme/acme".to_owned())),
        logo_url: Some(Some("https://acme.example/logo.png".to_owned())),
        icon_url: None,
        admin_emails: Some(Some(vec!["wile@acme.example".to_owned()])),
        ..request("Acme", PlanEnum::Team2025)
    };

    let before = Utc::now();
    let organization = create(&client, &body).await;
    let after = Utc::now();

    assert!(!organization.id.is_nil());
    assert!(
        (before..=after).contains(&organization.created_at),
        "created_at {} is not between {before} and {after}",
        organization.created_at
    );
    assert_eq!(organization.updated_at, None);
    assert!(organization.owner.is_some_and(|owner| !owner.is_nil()));
    assert_eq!(organization.name, body.name);
    assert_eq!(organization.description, body.description);
    assert_eq!(organization.plan, body.plan);
    assert_eq!(organization.website_url, Some(None), "null stays null");
    assert_eq!(organization.repository, body.repository);
    assert_eq!(organization.logo_url, body.logo_url);
    assert_eq!(organization.icon_url, None, "absent stays absent");
    assert_eq!(organization.admin_emails, body.admin_emails);
}

#[tokio::test]
async fn an_api_token_creates_201_and_owners_are_stable_per_identity() {
    let base = serve(QoveryService::new()).await;
    let token = Client::new(&base).with_api_key_auth("qov_token");
    let jwt_with_same_text = Client::new(&base).with_bearer_auth("qov_token");
    let other_token = Client::new(&base).with_api_key_auth("another_token");

    let first = create(&token, &request("One", PlanEnum::Free)).await;
    let second = create(&token, &request("Two", PlanEnum::Enterprise)).await;
    let by_jwt = create(&jwt_with_same_text, &request("Three", PlanEnum::Team)).await;
    let by_other = create(&other_token, &request("Four", PlanEnum::User2025)).await;

    assert_ne!(first.id, second.id, "every organization gets its own id");
    assert_eq!(first.owner, second.owner, "one identity, one owner");
    assert_ne!(
        first.owner, by_jwt.owner,
        "a JWT and an API token are different identities"
    );
    assert_ne!(first.owner, by_other.owner);
    assert_eq!(second.plan, PlanEnum::Enterprise);
}

#[tokio::test]
async fn a_taken_name_is_409_whatever_its_case() {
    let base = serve(QoveryService::new()).await;
    let alice = Client::new(&base).with_bearer_auth("alice");
    let bob = Client::new(&base).with_api_key_auth("bob");
    create(&alice, &request("Acme Corp", PlanEnum::Team)).await;

    for (client, name) in [
        (&alice, "Acme Corp"),
        (&bob, "ACME CORP"),
        (&bob, "acme corp"),
    ] {
        let response = client
            .create_organization(Some(&request(name, PlanEnum::Team)))
            .await;
        assert_eq!(
            response.unwrap(),
            CreateOrganizationResponse::Conflict,
            "name {name:?}"
        );
    }
    // A different name is still free after the conflicts.
    create(&bob, &request("Acme Corp 2", PlanEnum::Team)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_name_yield_exactly_one_201() {
    let base = serve(QoveryService::new()).await;
    let calls: Vec<_> = [
        "race", "RACE", "Race", "rAcE", "race", "RaCe", "RACE", "race",
    ]
    .into_iter()
    .enumerate()
    .map(|(i, name)| {
        let client = Client::new(&base).with_bearer_auth(format!("caller-{i}"));
        tokio::spawn(async move {
            client
                .create_organization(Some(&request(name, PlanEnum::Free)))
                .await
                .unwrap()
        })
    })
    .collect();
    let (mut created, mut conflicts) = (0, 0);
    for call in calls {
        match call.await.unwrap() {
            CreateOrganizationResponse::Created(_) => created += 1,
            CreateOrganizationResponse::Conflict => conflicts += 1,
            other => panic!("expected 201 or 409, got {other:?}"),
        }
    }
    assert_eq!((created, conflicts), (1, 7));
}

#[tokio::test]
async fn an_unknown_plan_or_blank_name_is_400() {
    let base = serve(QoveryService::new()).await;
    let client = Client::new(&base).with_bearer_auth("alice");

    // The open enum lets the client send a plan the API does not offer; the service refuses it.
    let gold = request("Gold Corp", PlanEnum::Unknown("GOLD".to_owned()));
    assert_eq!(
        client.create_organization(Some(&gold)).await.unwrap(),
        CreateOrganizationResponse::BadRequest
    );
    for name in ["", "   "] {
        let blank = request(name, PlanEnum::Free);
        assert_eq!(
            client.create_organization(Some(&blank)).await.unwrap(),
            CreateOrganizationResponse::BadRequest,
            "name {name:?}"
        );
    }
    // Refused requests claim no name.
    create(&client, &request("Gold Corp", PlanEnum::Business2025)).await;
}

#[tokio::test]
async fn a_missing_or_malformed_body_is_400() {
    let base = serve(QoveryService::new()).await;
    let client = Client::new(&base).with_api_key_auth("alice");
    assert_eq!(
        client.create_organization(None).await.unwrap(),
        CreateOrganizationResponse::BadRequest
    );

    // The same on the wire, plus bodies the typed client cannot produce.
    let http = reqwest::Client::new();
    let url = format!("{base}/organization");
    let no_body = http
        .post(&url)
        .header("Authorization", "Token alice")
        .send()
        .await
        .unwrap();
    assert_eq!(no_body.status(), 400);
    for broken in [
        r#"{"name": "#,
        r#"{"name": "No Plan"}"#,
        r#"{"name": "X", "plan": 7}"#,
        "null",
    ] {
        let response = http
            .post(&url)
            .header("Authorization", "Token alice")
            .header("Content-Type", "application/json")
            .body(broken)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "body {broken:?}");
    }
}

#[tokio::test]
async fn no_credentials_is_401() {
    let base = serve(QoveryService::new()).await;
    let anonymous = Client::new(&base);
    let body = request("Acme", PlanEnum::Team);
    assert_eq!(
        anonymous.create_organization(Some(&body)).await.unwrap(),
        CreateOrganizationResponse::Unauthorized
    );

    // Neither scheme on the wire: no header, an unsupported scheme, or an empty credential.
    let http = reqwest::Client::new();
    let url = format!("{base}/organization");
    for authorization in [
        None,
        Some("Basic YWxpY2U6c2VjcmV0"),
        Some("Bearer "),
        Some("Token"),
    ] {
        let mut call = http.post(&url).json(&body);
        if let Some(value) = authorization {
            call = call.header("Authorization", value);
        }
        let response = call.send().await.unwrap();
        assert_eq!(response.status(), 401, "Authorization: {authorization:?}");
    }
    // The refused calls claimed nothing: the name is still free.
    create(&Client::new(&base).with_bearer_auth("alice"), &body).await;
}

/// Answers whatever status the caller's Bearer token names (`"404"` -> the 404 variant).
struct Scripted;

fn requested_status(credentials: &Credentials) -> u16 {
    let token = credentials
        .bearer_auth
        .as_ref()
        .expect("the scripted tests send a JWT");
    token
        .expose()
        .parse()
        .expect("the test's token is a status code")
}

/// A 201 body using every field, so each (double-)optional one crosses the wire set.
fn scripted_organization() -> Organization {
    Organization {
        id: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        created_at: Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap(),
        updated_at: Some(Utc.with_ymd_and_hms(2025, 6, 7, 8, 9, 10).unwrap()),
        name: "Scripted Org".to_owned(),
        description: Some(None),
        plan: PlanEnum::EnterpriseYearly,
        website_url: Some(Some("https://scripted.example".to_owned())),
        repository: None,
        logo_url: Some(None),
        icon_url: Some(Some("https://scripted.example/icon.svg".to_owned())),
        admin_emails: Some(Some(vec![
            "a@scripted.example".to_owned(),
            "b@scripted.example".to_owned(),
        ])),
        owner: Some(Uuid::from_u128(42)),
        billing_deployment_restriction: Some(Some("NO_CREDIT_CARD".to_owned())),
        organization_plan: Some(OrganizationOrganizationPlan {
            plan: Some(PlanEnum::Enterprise2025),
            audit_logs_retention_in_days: Some(90.5),
        }),
    }
}

fn scripted_create(status: u16) -> CreateOrganizationResponse {
    match status {
        201 => CreateOrganizationResponse::Created(scripted_organization()),
        400 => CreateOrganizationResponse::BadRequest,
        401 => CreateOrganizationResponse::Unauthorized,
        403 => CreateOrganizationResponse::Forbidden,
        404 => CreateOrganizationResponse::NotFound,
        409 => CreateOrganizationResponse::Conflict,
        _ => unreachable!("createOrganization documents no {status}"),
    }
}

impl Api for Scripted {
    async fn create_organization(
        self: Arc<Self>,
        input: CreateOrganizationInput,
    ) -> CreateOrganizationResponse {
        scripted_create(requested_status(&input.credentials))
    }
}

#[tokio::test]
async fn every_documented_response_survives_the_wire() {
    let base = serve(Scripted).await;
    let body = request("Anything", PlanEnum::Free);
    for status in [201, 400, 401, 403, 404, 409] {
        let client = Client::new(&base).with_bearer_auth(status.to_string());
        let got = client.create_organization(Some(&body)).await.unwrap();
        assert_eq!(got, scripted_create(status), "createOrganization {status}");
    }
}
