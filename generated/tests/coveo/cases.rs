// The cases of `coveo_roundtrip.rs`, included once per generated Coveo module: the includer
// names the module `api` and declares `coveo_service` over it.

use coveo_service::{rejection_body, CoveoService, PrincipalLayer};
use api::client::Client;
use api::model::{Error, OrganizationCreated, OrganizationOwner, OrganizationSummary};
use api::operations::{
    CreateOrganizationResponse, DeleteOrganizationResponse, ListOrganizationsResponse,
};
use api::server::{
    router_with_config, Api, CreateOrganizationInput, Credentials, DeleteOrganizationInput,
    ListOrganizationsInput, ServerConfig,
};
use std::sync::Arc;

/// Serves `api` on a free port of 127.0.0.1 for the rest of the test, behind the example's
/// authentication layer, as the `coveo_server` example does; returns its base URL.
async fn serve(api: impl Api) -> String {
    let config = ServerConfig::default().rejection_body(rejection_body);
    let app = router_with_config(api, config).layer(PrincipalLayer);
    format!("http://{}", crate::support::serve(app).await)
}

/// A client whose Bearer token (its identity) is `token`.
fn as_identity(base_url: &str, token: &str) -> Client {
    Client::new(base_url).with_bearer_auth(token)
}

async fn create(client: &Client, name: &str) -> String {
    match client.create_organization(name).await.unwrap() {
        CreateOrganizationResponse::Created(created) => created.id,
        other => panic!("creating {name:?}: expected 201, got {other:?}"),
    }
}

async fn list(client: &Client) -> Vec<OrganizationSummary> {
    match client.list_organizations().await.unwrap() {
        ListOrganizationsResponse::Ok(organizations) => organizations,
        other => panic!("expected 200, got {other:?}"),
    }
}

async fn listed_ids(client: &Client) -> Vec<String> {
    list(client).await.into_iter().map(|o| o.id).collect()
}

fn error_code_of<T: std::fmt::Debug>(
    response: T,
    extract: impl Fn(&T) -> Option<&Error>,
) -> String {
    match extract(&response) {
        Some(error) => error.error_code.clone(),
        None => panic!("expected an error response, got {response:?}"),
    }
}

#[tokio::test]
async fn create_answers_201_with_the_lowercased_alphanumeric_id() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");

    // The docs' own example, then special characters, spaces and non-ASCII letters dropped.
    assert_eq!(
        create(&alice, "My Coveo Cloud V2 Organization").await,
        "mycoveocloudv2organization"
    );
    assert_eq!(create(&alice, "Acme, Inc. (EU-2)").await, "acmeinceu2");
    assert_eq!(create(&alice, "Café Zürich 9").await, "cafzrich9");
}

#[tokio::test]
async fn a_taken_id_gets_the_next_sequential_number_from_2() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");
    let bob = as_identity(&base, "bob");

    // The docs' scenario: the ID is taken by another identity's organization.
    assert_eq!(
        create(&alice, "My Coveo Search Org").await,
        "mycoveosearchorg"
    );
    assert_eq!(
        create(&bob, "My Coveo Search Org").await,
        "mycoveosearchorg2"
    );
    // Different display names that reduce to the same ID collide too.
    assert_eq!(
        create(&bob, "my-coveo-search-org!").await,
        "mycoveosearchorg3"
    );
    // A name that already ends in a digit takes the next free number, not a clash.
    assert_eq!(
        create(&alice, "MyCoveoSearchOrg4").await,
        "mycoveosearchorg4"
    );
    assert_eq!(
        create(&alice, "My Coveo Search Org").await,
        "mycoveosearchorg5"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_name_get_distinct_ids() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");

    let calls: Vec<_> = (0..12)
        .map(|_| {
            let alice = alice.clone();
            tokio::spawn(async move { create(&alice, "Race").await })
        })
        .collect();
    let mut ids = Vec::new();
    for call in calls {
        ids.push(call.await.unwrap());
    }
    ids.sort();
    let mut expected: Vec<String> = std::iter::once("race".to_owned())
        .chain((2..=12).map(|n| format!("race{n}")))
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn list_shows_the_display_name_as_given_and_the_creation_time_in_epoch_millis() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");

    let before = chrono::Utc::now().timestamp_millis();
    let id = create(&alice, "  My Coveo Search Org!  ").await;
    let after = chrono::Utc::now().timestamp_millis();

    let organizations = list(&alice).await;
    assert_eq!(organizations.len(), 1);
    let organization = &organizations[0];
    assert_eq!(organization.id, id);
    assert_eq!(organization.display_name, "  My Coveo Search Org!  ");
    assert!(
        (before..=after).contains(&organization.created_date),
        "createdDate {} is not between {before} and {after}",
        organization.created_date
    );
    assert_eq!(
        organization.owner,
        OrganizationOwner {
            email: String::new()
        }
    );
    assert!(
        !organization.read_only,
        "the creator may edit its organization"
    );
    assert!(!organization.email_notifications_enabled);
}

#[tokio::test]
async fn a_name_without_letters_or_digits_is_400_invalid_name() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");

    for name in ["!!! --- ???", "   ", "éàü"] {
        let response = alice.create_organization(name).await.unwrap();
        let code = error_code_of(response, |r| match r {
            CreateOrganizationResponse::BadRequest(e) => Some(e),
            _ => None,
        });
        assert_eq!(code, "INVALID_NAME", "name {name:?}");
    }
    // An empty name breaks the schema's `minLength: 1`: the router refuses it before the
    // service's own rule runs.
    let response = alice.create_organization("").await.unwrap();
    let code = error_code_of(response, |r| match r {
        CreateOrganizationResponse::BadRequest(e) => Some(e),
        _ => None,
    });
    assert_eq!(code, "BAD_REQUEST");
    assert!(
        list(&alice).await.is_empty(),
        "a refused name creates nothing"
    );
}

#[tokio::test]
async fn router_refusals_use_the_spec_error_body() {
    let base = serve(CoveoService::new()).await;
    let http = reqwest::Client::new();

    // No `name` at all: the router refuses before the service; the body is still an `Error`.
    let response = http
        .post(format!("{base}/rest/organizations"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let error: Error = response.json().await.unwrap();
    assert_eq!(error.error_code, "BAD_REQUEST");
    assert!(error.message.contains("query.name"), "{error:?}");

    // No token: 401 with a challenge and an `Error` body.
    let response = http
        .get(format!("{base}/rest/organizations"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let error: Error = response.json().await.unwrap();
    assert_eq!(error.error_code, "UNAUTHORIZED");
}

#[tokio::test]
async fn every_operation_without_a_token_is_401() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");
    let id = create(&alice, "Kept").await;
    let anonymous = Client::new(&base);

    let code = error_code_of(
        anonymous.create_organization("Sneaky").await.unwrap(),
        |r| match r {
            CreateOrganizationResponse::Unauthorized(e) => Some(e),
            _ => None,
        },
    );
    assert_eq!(code, "UNAUTHORIZED");
    let code = error_code_of(anonymous.list_organizations().await.unwrap(), |r| match r {
        ListOrganizationsResponse::Unauthorized(e) => Some(e),
        _ => None,
    });
    assert_eq!(code, "UNAUTHORIZED");
    let code = error_code_of(
        anonymous.delete_organization(&id).await.unwrap(),
        |r| match r {
            DeleteOrganizationResponse::Unauthorized(e) => Some(e),
            _ => None,
        },
    );
    assert_eq!(code, "UNAUTHORIZED");

    // Nothing changed: no "sneaky" organization, and "kept" still exists.
    assert_eq!(listed_ids(&alice).await, vec![id]);
}

#[tokio::test]
async fn list_is_200_with_only_the_callers_organizations() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");
    let bob = as_identity(&base, "bob");
    let carol = as_identity(&base, "carol");

    let alice_first = create(&alice, "Alpha").await;
    let bob_only = create(&bob, "Bravo").await;
    let alice_second = create(&alice, "Charlie").await;

    assert_eq!(listed_ids(&alice).await, vec![alice_first, alice_second]);
    assert_eq!(listed_ids(&bob).await, vec![bob_only]);
    assert!(
        listed_ids(&carol).await.is_empty(),
        "a new identity may view nothing"
    );
}

#[tokio::test]
async fn deleting_another_identitys_organization_is_403_and_keeps_it() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");
    let bob = as_identity(&base, "bob");
    let id = create(&alice, "Alice Org").await;

    let code = error_code_of(bob.delete_organization(&id).await.unwrap(), |r| match r {
        DeleteOrganizationResponse::Forbidden(e) => Some(e),
        _ => None,
    });
    assert_eq!(code, "FORBIDDEN");
    assert_eq!(listed_ids(&alice).await, vec![id]);
}

#[tokio::test]
async fn deleting_an_unknown_id_is_404() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");
    create(&alice, "Real Org").await;

    // IDs with reserved characters stay one path segment: still a plain 404, not another route.
    for id in [
        "doesnotexist",
        "Real Org",
        "../rest/organizations",
        "a/b?c#d%2F",
    ] {
        let code = error_code_of(alice.delete_organization(id).await.unwrap(), |r| match r {
            DeleteOrganizationResponse::NotFound(e) => Some(e),
            _ => None,
        });
        assert_eq!(code, "ORGANIZATION_NOT_FOUND", "id {id:?}");
    }
    assert_eq!(listed_ids(&alice).await, vec!["realorg".to_owned()]);
}

#[tokio::test]
async fn delete_is_204_and_permanent() {
    let base = serve(CoveoService::new()).await;
    let alice = as_identity(&base, "alice");
    let doomed = create(&alice, "Doomed").await;
    let kept = create(&alice, "Kept").await;

    assert_eq!(
        alice.delete_organization(&doomed).await.unwrap(),
        DeleteOrganizationResponse::NoContent
    );
    assert_eq!(listed_ids(&alice).await, vec![kept]);
    // Gone for good: deleting again finds nothing.
    assert!(matches!(
        alice.delete_organization(&doomed).await.unwrap(),
        DeleteOrganizationResponse::NotFound(_)
    ));
}

/// Answers whatever status the caller's Bearer token names (`"403"` -> the 403 variant).
struct Scripted;

fn requested_status(credentials: &Credentials) -> u16 {
    let token = credentials
        .bearer_auth
        .as_ref()
        .expect("the router requires a token");
    token
        .expose()
        .parse()
        .expect("the test's token is a status code")
}

fn scripted_error(status: u16) -> Error {
    Error {
        error_code: format!("SCRIPTED_{status}"),
        message: format!("scripted response with status {status} — ünïcode survives too"),
    }
}

fn scripted_create(status: u16) -> CreateOrganizationResponse {
    match status {
        201 => CreateOrganizationResponse::Created(OrganizationCreated {
            id: "mycoveocloudv2organization".to_owned(),
        }),
        400 => CreateOrganizationResponse::BadRequest(scripted_error(status)),
        401 => CreateOrganizationResponse::Unauthorized(scripted_error(status)),
        403 => CreateOrganizationResponse::Forbidden(scripted_error(status)),
        _ => unreachable!("createOrganization documents no {status}"),
    }
}

fn scripted_delete(status: u16) -> DeleteOrganizationResponse {
    match status {
        204 => DeleteOrganizationResponse::NoContent,
        401 => DeleteOrganizationResponse::Unauthorized(scripted_error(status)),
        403 => DeleteOrganizationResponse::Forbidden(scripted_error(status)),
        404 => DeleteOrganizationResponse::NotFound(scripted_error(status)),
        _ => unreachable!("deleteOrganization documents no {status}"),
    }
}

fn scripted_list(status: u16) -> ListOrganizationsResponse {
    match status {
        // The docs' sample element, plus a read-only one with notifications on.
        200 => ListOrganizationsResponse::Ok(vec![
            OrganizationSummary {
                created_date: 1460705726000,
                display_name: "My Coveo Organization".to_owned(),
                email_notifications_enabled: false,
                id: "mycoveoorganizationg8tp8wu3".to_owned(),
                owner: OrganizationOwner {
                    email: "asmith@example.com".to_owned(),
                },
                read_only: false,
            },
            OrganizationSummary {
                created_date: i64::MAX,
                display_name: "Read Only".to_owned(),
                email_notifications_enabled: true,
                id: "readonly".to_owned(),
                owner: OrganizationOwner {
                    email: String::new(),
                },
                read_only: true,
            },
        ]),
        401 => ListOrganizationsResponse::Unauthorized(scripted_error(status)),
        403 => ListOrganizationsResponse::Forbidden(scripted_error(status)),
        _ => unreachable!("listOrganizations documents no {status}"),
    }
}

impl Api for Scripted {
    async fn create_organization(
        self: Arc<Self>,
        input: CreateOrganizationInput,
    ) -> CreateOrganizationResponse {
        scripted_create(requested_status(&input.credentials))
    }

    async fn delete_organization(
        self: Arc<Self>,
        input: DeleteOrganizationInput,
    ) -> DeleteOrganizationResponse {
        scripted_delete(requested_status(&input.credentials))
    }

    async fn list_organizations(
        self: Arc<Self>,
        input: ListOrganizationsInput,
    ) -> ListOrganizationsResponse {
        scripted_list(requested_status(&input.credentials))
    }
}

#[tokio::test]
async fn every_documented_response_survives_the_wire() {
    let base = serve(Scripted).await;
    let client = |status: u16| as_identity(&base, &status.to_string());

    for status in [201, 400, 401, 403] {
        let got = client(status)
            .create_organization("Any Name")
            .await
            .unwrap();
        assert_eq!(got, scripted_create(status), "createOrganization {status}");
    }
    for status in [204, 401, 403, 404] {
        let got = client(status).delete_organization("anyid").await.unwrap();
        assert_eq!(got, scripted_delete(status), "deleteOrganization {status}");
    }
    for status in [200, 401, 403] {
        let got = client(status).list_organizations().await.unwrap();
        assert_eq!(got, scripted_list(status), "listOrganizations {status}");
    }
}
