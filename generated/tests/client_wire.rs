//! Wire-level tests of the generated Coveo and Qovery clients: a capture server records the exact request each operation sends (method, raw path, raw query, headers, body bytes) and answers with a canned response, so every typed result and every `Error` variant is checked against real HTTP.

#![cfg(all(feature = "client", feature = "coveo", feature = "qovery"))]

mod support;

use std::fmt::{Debug, Display};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use generated::coveo;
use generated::qovery;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------------------------
// Capture server
// ---------------------------------------------------------------------------------------------

/// One request exactly as it reached the server.
#[derive(Debug, Clone)]
struct Captured {
    method: Method,
    /// The path as sent on the wire, percent-encoding untouched.
    raw_path: String,
    /// The query string as sent on the wire, percent-encoding untouched.
    raw_query: Option<String>,
    /// The query as a server decodes it (`application/x-www-form-urlencoded`).
    decoded_query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl Captured {
    /// Every header as `(lowercase name, value)`, sorted, so a test can assert the exact set.
    fn header_list(&self) -> Vec<(String, String)> {
        let mut list: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().expect("visible ASCII header").to_owned(),
                )
            })
            .collect();
        list.sort();
        list
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// The response the capture server gives.
#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Canned {
    fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

#[derive(Clone)]
struct CaptureState {
    captured: Arc<Mutex<Vec<Captured>>>,
    reply: Arc<Mutex<Canned>>,
}

async fn capture(
    State(state): State<CaptureState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let decoded_query = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    state.captured.lock().unwrap().push(Captured {
        method,
        raw_path: uri.path().to_owned(),
        raw_query: uri.query().map(str::to_owned),
        decoded_query,
        headers,
        body,
    });
    let canned = state.reply.lock().unwrap().clone();
    let mut response = (StatusCode::from_u16(canned.status).unwrap(), canned.body).into_response();
    // No implicit content type: the canned headers are the only ones besides the framing.
    response.headers_mut().remove("content-type");
    for (name, value) in canned.headers {
        response.headers_mut().append(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

/// A tiny HTTP server on `127.0.0.1:0` recording every request it gets.
struct CaptureServer {
    base_url: String,
    host: String,
    state: CaptureState,
}

impl CaptureServer {
    async fn start(reply: Canned) -> Self {
        let state = CaptureState {
            captured: Arc::default(),
            reply: Arc::new(Mutex::new(reply)),
        };
        let app = axum::Router::new()
            .fallback(capture)
            .with_state(state.clone());
        let addr = support::serve(app).await;
        Self {
            base_url: format!("http://{addr}"),
            host: addr.to_string(),
            state,
        }
    }

    fn reply_with(&self, reply: Canned) {
        *self.state.reply.lock().unwrap() = reply;
    }

    fn requests(&self) -> Vec<Captured> {
        self.state.captured.lock().unwrap().clone()
    }

    /// The one request received since the last call, asserting there was exactly one.
    fn take_one(&self) -> Captured {
        let mut captured = self.state.captured.lock().unwrap();
        assert_eq!(
            captured.len(),
            1,
            "expected exactly one request, got {captured:#?}"
        );
        captured.pop().unwrap()
    }

    fn coveo(&self, token: &str) -> coveo::client::Client {
        coveo::client::Client::new(&self.base_url).with_bearer_auth(token)
    }

    fn qovery(&self) -> qovery::client::Client {
        qovery::client::Client::new(&self.base_url)
    }
}

fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = list
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    list.sort();
    list
}

/// A server that accepts TCP connections, reads the request and closes without answering.
async fn closing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_millis(200), socket.read(&mut buf)).await;
            drop(socket);
        }
    });
    format!("http://{addr}")
}

/// A server that accepts TCP connections and never answers (the sockets stay open).
async fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

fn timeout_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
}

/// A variant of a Coveo response enum that carries the documented error body.
type ErrorVariant<R> = fn(coveo::model::Error) -> R;

const ERROR_BODY: &str =
    r#"{"errorCode":"INVALID_NAME","message":"The name has no letter or digit."}"#;

fn coveo_error() -> coveo::model::Error {
    coveo::model::Error {
        error_code: "INVALID_NAME".to_owned(),
        message: "The name has no letter or digit.".to_owned(),
    }
}

/// The `200 OK` body of "Get all organizations" (seed 002).
const SEED_LIST_BODY: &str = r#"[
{
"createdDate": 1460705726000,
"displayName": "My Coveo Organization",
"emailNotificationsEnabled": false,
"id": "mycoveoorganizationg8tp8wu3",
"owner": {
"email": "asmith@example.com"
},
"readOnly": false
}
]"#;

// ---------------------------------------------------------------------------------------------
// Coveo: createOrganization
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coveo_create_sends_exact_request_and_reads_201() {
    let server =
        CaptureServer::start(Canned::json(201, r#"{"id": "mycoveocloudv2organization"}"#)).await;
    let result = server
        .coveo("T")
        .create_organization("My Org")
        .await
        .unwrap();
    assert_eq!(
        result,
        coveo::operations::CreateOrganizationResponse::Created(coveo::model::OrganizationCreated {
            id: "mycoveocloudv2organization".to_owned()
        })
    );

    let request = server.take_one();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.raw_path, "/rest/organizations");
    // A space goes out form-encoded as `+`, and the server decodes it back.
    assert_eq!(request.raw_query.as_deref(), Some("name=My+Org"));
    assert_eq!(
        request.decoded_query,
        vec![("name".to_owned(), "My Org".to_owned())]
    );
    assert_eq!(
        request.header_list(),
        headers(&[
            ("accept", "*/*"),
            ("authorization", "Bearer T"),
            ("host", &server.host),
        ])
    );
    // No body at all: neither `Content-Length` nor `Content-Type` goes out.
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn coveo_create_encodes_reserved_characters_in_the_name() {
    let server = CaptureServer::start(Canned::json(201, r#"{"id":"x"}"#)).await;
    let name = "R&D / Ünï+c=1#?%";
    server.coveo("T").create_organization(name).await.unwrap();
    let request = server.take_one();
    assert_eq!(request.raw_path, "/rest/organizations");
    assert_eq!(
        request.raw_query.as_deref(),
        Some("name=R%26D+%2F+%C3%9Cn%C3%AF%2Bc%3D1%23%3F%25")
    );
    // `&`, `=`, `#` and `+` cannot add parameters or cut the value short.
    assert_eq!(
        request.decoded_query,
        vec![("name".to_owned(), name.to_owned())]
    );
}

#[tokio::test]
async fn coveo_create_reads_every_documented_status() {
    let server = CaptureServer::start(Canned::empty(500)).await;
    let client = server.coveo("T");
    use coveo::operations::CreateOrganizationResponse as R;
    let cases: [(u16, ErrorVariant<R>); 3] = [
        (400, R::BadRequest),
        (401, R::Unauthorized),
        (403, R::Forbidden),
    ];
    for (status, variant) in cases {
        server.reply_with(Canned::json(status, ERROR_BODY));
        let result = client.create_organization("My Org").await.unwrap();
        assert_eq!(result, variant(coveo_error()), "status {status}");
        server.take_one();
    }
}

#[tokio::test]
async fn coveo_create_with_a_name_too_long_for_a_url_is_refused_unsent() {
    let server = CaptureServer::start(Canned::json(201, r#"{"id":"x"}"#)).await;
    let error = server
        .coveo("T")
        .create_organization(&"a".repeat(70_000))
        .await
        .unwrap_err();
    assert!(
        matches!(error, coveo::client::Error::InvalidRequest(_)),
        "{error}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn coveo_create_with_an_empty_name_still_sends_the_parameter() {
    let server = CaptureServer::start(Canned::json(201, r#"{"id":"x"}"#)).await;
    server.coveo("T").create_organization("").await.unwrap();
    let request = server.take_one();
    assert_eq!(request.raw_query.as_deref(), Some("name="));
}

// ---------------------------------------------------------------------------------------------
// Coveo: listOrganizations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coveo_list_sends_exact_request_and_reads_the_seed_body() {
    let server = CaptureServer::start(Canned::json(200, SEED_LIST_BODY)).await;
    let result = server.coveo("T").list_organizations().await.unwrap();
    assert_eq!(
        result,
        coveo::operations::ListOrganizationsResponse::Ok(vec![coveo::model::OrganizationSummary {
            created_date: 1460705726000,
            display_name: "My Coveo Organization".to_owned(),
            email_notifications_enabled: false,
            id: "mycoveoorganizationg8tp8wu3".to_owned(),
            owner: coveo::model::OrganizationOwner {
                email: "asmith@example.com".to_owned()
            },
            read_only: false,
        }])
    );
    let request = server.take_one();
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.raw_path, "/rest/organizations");
    assert_eq!(request.raw_query, None);
    assert_eq!(
        request.header_list(),
        headers(&[
            ("accept", "*/*"),
            ("authorization", "Bearer T"),
            ("host", &server.host),
        ])
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn coveo_list_reads_every_documented_status() {
    let server = CaptureServer::start(Canned::json(200, "[]")).await;
    let client = server.coveo("T");
    use coveo::operations::ListOrganizationsResponse as R;
    assert_eq!(client.list_organizations().await.unwrap(), R::Ok(vec![]));
    server.reply_with(Canned::json(401, ERROR_BODY));
    assert_eq!(
        client.list_organizations().await.unwrap(),
        R::Unauthorized(coveo_error())
    );
    server.reply_with(Canned::json(403, ERROR_BODY));
    assert_eq!(
        client.list_organizations().await.unwrap(),
        R::Forbidden(coveo_error())
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn coveo_client_without_credentials_sends_no_authorization() {
    let server = CaptureServer::start(Canned::json(200, "[]")).await;
    let client = coveo::client::Client::new(&server.base_url);
    client.list_organizations().await.unwrap();
    let request = server.take_one();
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn coveo_base_url_keeps_its_path_prefix_and_drops_the_trailing_slash() {
    let server = CaptureServer::start(Canned::json(200, "[]")).await;
    let client =
        coveo::client::Client::new(format!("{}/proxy/", server.base_url)).with_bearer_auth("T");
    assert_eq!(client.base_url(), format!("{}/proxy", server.base_url));
    client.list_organizations().await.unwrap();
    assert_eq!(server.take_one().raw_path, "/proxy/rest/organizations");
}

// ---------------------------------------------------------------------------------------------
// Coveo: deleteOrganization and path parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coveo_delete_sends_exact_request_and_reads_204() {
    let server = CaptureServer::start(Canned::empty(204)).await;
    let result = server
        .coveo("T")
        .delete_organization("mycoveosearchorg2")
        .await
        .unwrap();
    assert_eq!(
        result,
        coveo::operations::DeleteOrganizationResponse::NoContent
    );
    let request = server.take_one();
    assert_eq!(request.method, Method::DELETE);
    assert_eq!(request.raw_path, "/rest/organizations/mycoveosearchorg2");
    assert_eq!(request.raw_query, None);
    assert_eq!(
        request.header_list(),
        headers(&[
            ("accept", "*/*"),
            ("authorization", "Bearer T"),
            ("host", &server.host),
        ])
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn coveo_delete_reads_every_documented_status() {
    let server = CaptureServer::start(Canned::empty(204)).await;
    let client = server.coveo("T");
    use coveo::operations::DeleteOrganizationResponse as R;
    let cases: [(u16, ErrorVariant<R>); 3] = [
        (401, R::Unauthorized),
        (403, R::Forbidden),
        (404, R::NotFound),
    ];
    for (status, variant) in cases {
        server.reply_with(Canned::json(status, ERROR_BODY));
        let result = client.delete_organization("org").await.unwrap();
        assert_eq!(result, variant(coveo_error()), "status {status}");
        server.take_one();
    }
}

#[tokio::test]
async fn coveo_path_parameter_stays_inside_one_segment() {
    let server = CaptureServer::start(Canned::empty(204)).await;
    let client = server.coveo("T");
    let cases = [
        ("../admin", "/rest/organizations/..%2Fadmin"),
        ("a/b", "/rest/organizations/a%2Fb"),
        ("a?b#c", "/rest/organizations/a%3Fb%23c"),
        ("My Org", "/rest/organizations/My%20Org"),
        ("%2e%2e", "/rest/organizations/%252e%252e"),
        ("..a", "/rest/organizations/..a"),
        ("é", "/rest/organizations/%C3%A9"),
        ("a.b-c_d~e", "/rest/organizations/a.b-c_d~e"),
    ];
    for (value, raw_path) in cases {
        let result = client.delete_organization(value).await.unwrap();
        assert_eq!(
            result,
            coveo::operations::DeleteOrganizationResponse::NoContent
        );
        let request = server.take_one();
        assert_eq!(request.raw_path, raw_path, "value {value:?}");
        assert_eq!(request.raw_query, None, "value {value:?}");
        let segment = request
            .raw_path
            .strip_prefix("/rest/organizations/")
            .unwrap();
        assert!(!segment.contains('/'), "value {value:?} left its segment");
        assert_eq!(
            percent_encoding::percent_decode_str(segment)
                .decode_utf8()
                .unwrap(),
            value
        );
    }
}

#[tokio::test]
async fn coveo_path_parameters_that_cannot_be_a_segment_are_refused_unsent() {
    let server = CaptureServer::start(Canned::empty(204)).await;
    let client = server.coveo("T");
    for value in ["..", ".", ""] {
        let error = client.delete_organization(value).await.unwrap_err();
        assert!(
            matches!(error, coveo::client::Error::InvalidRequest(_)),
            "value {value:?}: {error:?}"
        );
        assert_eq!(error.status(), None);
        assert!(error.response().is_none());
    }
    assert!(server.requests().is_empty(), "{:#?}", server.requests());
}

// ---------------------------------------------------------------------------------------------
// Coveo: errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coveo_undocumented_status_keeps_status_headers_and_raw_body() {
    let server = CaptureServer::start(
        Canned {
            status: 418,
            headers: vec![("content-type", "text/plain".to_owned())],
            body: b"I'm a teapot \xff".to_vec(),
        }
        .with_header("x-request-id", "abc-123"),
    )
    .await;
    let client = server.coveo("T");
    let error = client.list_organizations().await.unwrap_err();
    let coveo::client::Error::UnexpectedStatus(response) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(response.status, StatusCode::IM_A_TEAPOT);
    assert_eq!(response.headers["x-request-id"], "abc-123");
    assert_eq!(response.headers["content-type"], "text/plain");
    assert_eq!(&response.body[..], b"I'm a teapot \xff");
    assert_eq!(error.status(), Some(StatusCode::IM_A_TEAPOT));
    assert_eq!(&error.response().unwrap().body[..], b"I'm a teapot \xff");

    // A success status the operation does not document is unexpected too.
    server.reply_with(Canned::json(200, r#"{"id":"x"}"#));
    let error = client.create_organization("x").await.unwrap_err();
    assert!(matches!(&error, coveo::client::Error::UnexpectedStatus(r) if r.status == 200));
    server.reply_with(Canned::json(500, ERROR_BODY));
    let error = client.delete_organization("x").await.unwrap_err();
    let coveo::client::Error::UnexpectedStatus(response) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(response.status, 500);
    assert_eq!(&response.body[..], ERROR_BODY.as_bytes());
}

#[tokio::test]
async fn coveo_malformed_body_on_a_documented_status_is_invalid_body_with_raw_body() {
    let server = CaptureServer::start(Canned::json(200, r#"[{"id": "x", "#)).await;
    let client = server.coveo("T");
    let error = client.list_organizations().await.unwrap_err();
    let coveo::client::Error::InvalidBody { response, message } = &error else {
        panic!("expected InvalidBody, got {error:?}");
    };
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(&response.body[..], br#"[{"id": "x", "#);
    assert_eq!(response.headers["content-type"], "application/json");
    assert!(!message.is_empty());
    assert_eq!(error.status(), Some(StatusCode::OK));

    // Well-formed JSON of the wrong shape (a required property missing).
    let wrong = r#"[{"id": "x"}]"#;
    server.reply_with(Canned::json(200, wrong));
    let error = client.list_organizations().await.unwrap_err();
    assert!(
        matches!(&error, coveo::client::Error::InvalidBody { response, .. } if response.body == wrong.as_bytes()),
        "{error:?}"
    );

    // A documented error status whose body is not the documented error schema.
    server.reply_with(Canned {
        status: 401,
        headers: vec![("content-type", "text/html".to_owned())],
        body: b"<h1>login</h1>".to_vec(),
    });
    let error = client.delete_organization("x").await.unwrap_err();
    assert!(
        matches!(&error, coveo::client::Error::InvalidBody { response, .. } if response.status == 401 && response.body == "<h1>login</h1>".as_bytes()),
        "{error:?}"
    );
}

#[tokio::test]
async fn coveo_response_over_the_limit_is_refused() {
    let server = CaptureServer::start(Canned::json(200, &format!("[{}]", " ".repeat(1000)))).await;
    let client = server.coveo("T").with_max_response_bytes(64);
    let error = client.list_organizations().await.unwrap_err();
    assert!(
        matches!(
            &error,
            coveo::client::Error::ResponseTooLarge { status, limit: 64, .. } if *status == 200
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn closed_connection_is_a_transport_error() {
    let base_url = closing_server().await;
    let error = coveo::client::Client::new(&base_url)
        .with_bearer_auth("T")
        .list_organizations()
        .await
        .unwrap_err();
    assert!(
        matches!(error, coveo::client::Error::Transport(_)),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
    assert!(std::error::Error::source(&error).is_some());

    let body = qovery_request("acme", qovery::model::PlanEnum::Free);
    let error = qovery::client::Client::new(&base_url)
        .with_api_key_auth("K")
        .create_organization(Some(&body))
        .await
        .unwrap_err();
    assert!(
        matches!(error, qovery::client::Error::Transport(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let error = coveo::client::Client::new(format!("http://{addr}"))
        .list_organizations()
        .await
        .unwrap_err();
    assert!(
        matches!(error, coveo::client::Error::Transport(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn silent_server_is_a_timeout() {
    let base_url = silent_server().await;
    let started = Instant::now();
    let error = coveo::client::Client::with_http_client(&base_url, timeout_http_client())
        .with_bearer_auth("T")
        .with_retry(coveo::client::RetryPolicy::none())
        .delete_organization("org")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            coveo::client::Error::Timeout {
                kind: coveo::client::TimeoutKind::Client,
                source: Some(_)
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(error.status(), None);

    let body = qovery_request("acme", qovery::model::PlanEnum::Free);
    let error = qovery::client::Client::with_http_client(&base_url, timeout_http_client())
        .with_api_key_auth("K")
        .create_organization(Some(&body))
        .await
        .unwrap_err();
    assert!(
        matches!(error, qovery::client::Error::Timeout { .. }),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Qovery: createOrganization
// ---------------------------------------------------------------------------------------------

fn qovery_request(name: &str, plan: qovery::model::PlanEnum) -> qovery::model::OrganizationRequest {
    qovery::model::OrganizationRequest {
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

const QOVERY_CREATED: &str = r#"{
  "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  "created_at": "2024-05-06T07:08:09.123Z",
  "name": "acme",
  "description": null,
  "plan": "TEAM_2025",
  "website_url": "https://acme.example",
  "owner": "9b2f6c1e-4d3a-4b8e-9f1a-2c3d4e5f6a7b",
  "billing_deployment_restriction": "NO_CREDIT_CARD",
  "organization_plan": {"plan": "TEAM_2025", "audit_logs_retention_in_days": 30.5}
}"#;

fn qovery_created() -> qovery::model::Organization {
    qovery::model::Organization {
        id: "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap(),
        created_at: "2024-05-06T07:08:09.123Z".parse().unwrap(),
        updated_at: None,
        name: "acme".to_owned(),
        description: Some(None),
        plan: qovery::model::PlanEnum::Team2025,
        website_url: Some(Some("https://acme.example".to_owned())),
        repository: None,
        logo_url: None,
        icon_url: None,
        admin_emails: None,
        owner: Some("9b2f6c1e-4d3a-4b8e-9f1a-2c3d4e5f6a7b".parse().unwrap()),
        billing_deployment_restriction: Some(Some("NO_CREDIT_CARD".to_owned())),
        organization_plan: Some(qovery::model::OrganizationOrganizationPlan {
            plan: Some(qovery::model::PlanEnum::Team2025),
            audit_logs_retention_in_days: Some(30.5),
        }),
    }
}

#[tokio::test]
async fn qovery_create_sends_exact_request_with_api_key_and_reads_201() {
    let server = CaptureServer::start(Canned::json(201, QOVERY_CREATED)).await;
    let client = server.qovery().with_api_key_auth("K");
    let body = qovery_request("acme", qovery::model::PlanEnum::Team2025);
    let result = client.create_organization(Some(&body)).await.unwrap();
    assert_eq!(
        result,
        qovery::operations::CreateOrganizationResponse::Created(qovery_created())
    );

    let request = server.take_one();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.raw_path, "/organization");
    assert_eq!(request.raw_query, None);
    let sent = br#"{"name":"acme","plan":"TEAM_2025"}"#;
    assert_eq!(
        request.header_list(),
        headers(&[
            ("accept", "*/*"),
            ("authorization", "Token K"),
            ("content-length", &sent.len().to_string()),
            ("content-type", "application/json"),
            ("host", &server.host),
        ])
    );
    // Absent optional properties are omitted, not sent as `null`.
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        std::str::from_utf8(sent).unwrap()
    );
}

#[tokio::test]
async fn qovery_create_body_keeps_absent_null_and_value_apart() {
    let server = CaptureServer::start(Canned::json(201, QOVERY_CREATED)).await;
    let client = server.qovery().with_api_key_auth("K");
    let body = qovery::model::OrganizationRequest {
        name: "acme".to_owned(),
        description: Some(None),
        plan: qovery::model::PlanEnum::Free,
        website_url: Some(Some("https://acme.example".to_owned())),
        repository: None,
        logo_url: Some(None),
        icon_url: None,
        admin_emails: Some(Some(vec![
            "a@acme.example".to_owned(),
            "b@acme.example".to_owned(),
        ])),
    };
    client.create_organization(Some(&body)).await.unwrap();
    let request = server.take_one();
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        r#"{"name":"acme","description":null,"plan":"FREE","website_url":"https://acme.example","logo_url":null,"admin_emails":["a@acme.example","b@acme.example"]}"#
    );
    let json: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    let object = json.as_object().unwrap();
    assert!(object["description"].is_null());
    assert!(!object.contains_key("repository"));
    assert!(!object.contains_key("icon_url"));

    // `Some(None)` for the array too.
    let body = qovery::model::OrganizationRequest {
        admin_emails: Some(None),
        ..qovery_request("acme", qovery::model::PlanEnum::Free)
    };
    client.create_organization(Some(&body)).await.unwrap();
    assert_eq!(
        &server.take_one().body[..],
        br#"{"name":"acme","plan":"FREE","admin_emails":null}"#
    );
}

#[tokio::test]
async fn qovery_create_without_a_body_sends_no_body() {
    let server = CaptureServer::start(Canned::empty(400)).await;
    let client = server.qovery().with_api_key_auth("K");
    let result = client.create_organization(None).await.unwrap();
    assert_eq!(
        result,
        qovery::operations::CreateOrganizationResponse::BadRequest
    );
    let request = server.take_one();
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    assert_eq!(request.header("authorization"), Some("Token K"));
}

#[tokio::test]
async fn qovery_unknown_plan_is_sent_as_is() {
    let server = CaptureServer::start(Canned::json(201, QOVERY_CREATED)).await;
    let body = qovery_request(
        "acme",
        qovery::model::PlanEnum::Unknown("PLATINUM_2030".to_owned()),
    );
    server
        .qovery()
        .with_api_key_auth("K")
        .create_organization(Some(&body))
        .await
        .unwrap();
    assert_eq!(
        &server.take_one().body[..],
        br#"{"name":"acme","plan":"PLATINUM_2030"}"#
    );
}

#[tokio::test]
async fn qovery_picks_the_first_configured_security_alternative() {
    let server = CaptureServer::start(Canned::empty(409)).await;
    let body = qovery_request("acme", qovery::model::PlanEnum::Free);

    let bearer = server.qovery().with_bearer_auth("J");
    bearer.create_organization(Some(&body)).await.unwrap();
    assert_eq!(server.take_one().header("authorization"), Some("Bearer J"));

    let both = server.qovery().with_api_key_auth("K").with_bearer_auth("J");
    both.create_organization(Some(&body)).await.unwrap();
    let request = server.take_one();
    let values: Vec<_> = request.headers.get_all("authorization").iter().collect();
    assert_eq!(values, ["Bearer J"], "exactly one Authorization header");

    let none = server.qovery();
    none.create_organization(Some(&body)).await.unwrap();
    assert_eq!(server.take_one().header("authorization"), None);
}

#[tokio::test]
async fn qovery_create_reads_every_documented_status() {
    let server = CaptureServer::start(Canned::empty(400)).await;
    let client = server.qovery().with_api_key_auth("K");
    let body = qovery_request("acme", qovery::model::PlanEnum::Free);
    use qovery::operations::CreateOrganizationResponse as R;
    let cases = [
        (400, R::BadRequest),
        (401, R::Unauthorized),
        (403, R::Forbidden),
        (404, R::NotFound),
        (409, R::Conflict),
    ];
    for (status, expected) in cases {
        // Without a body, and with one the API description does not mention.
        server.reply_with(Canned::empty(status));
        assert_eq!(
            client.create_organization(Some(&body)).await.unwrap(),
            expected,
            "status {status}"
        );
        server.reply_with(Canned::json(status, r#"{"message":"nope"}"#));
        assert_eq!(
            client.create_organization(Some(&body)).await.unwrap(),
            expected,
            "status {status} with a body"
        );
    }
    assert_eq!(server.requests().len(), 10);
}

#[tokio::test]
async fn qovery_unknown_plan_from_the_server_is_kept() {
    let reply = QOVERY_CREATED.replace("TEAM_2025", "PLATINUM_2030");
    let server = CaptureServer::start(Canned::json(201, &reply)).await;
    let body = qovery_request("acme", qovery::model::PlanEnum::Free);
    let result = server
        .qovery()
        .with_api_key_auth("K")
        .create_organization(Some(&body))
        .await
        .unwrap();
    let qovery::operations::CreateOrganizationResponse::Created(organization) = result else {
        panic!("expected Created, got {result:?}");
    };
    let unknown = qovery::model::PlanEnum::Unknown("PLATINUM_2030".to_owned());
    assert_eq!(organization.plan, unknown);
    assert_eq!(organization.plan.as_str(), "PLATINUM_2030");
    assert_eq!(organization.organization_plan.unwrap().plan, Some(unknown));
}

#[tokio::test]
async fn qovery_errors_keep_the_raw_response() {
    let server = CaptureServer::start(Canned::json(201, r#"{"id": "not-a-uuid"}"#)).await;
    let client = server.qovery().with_api_key_auth("K");
    let body = qovery_request("acme", qovery::model::PlanEnum::Free);

    let error = client.create_organization(Some(&body)).await.unwrap_err();
    let qovery::client::Error::InvalidBody { response, .. } = &error else {
        panic!("expected InvalidBody, got {error:?}");
    };
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(&response.body[..], br#"{"id": "not-a-uuid"}"#);

    server.reply_with(Canned::json(201, "not json"));
    let error = client.create_organization(Some(&body)).await.unwrap_err();
    assert!(
        matches!(&error, qovery::client::Error::InvalidBody { response, .. } if response.body == "not json".as_bytes()),
        "{error:?}"
    );

    server.reply_with(Canned::empty(418).with_header("retry-after", "7"));
    let error = client.create_organization(Some(&body)).await.unwrap_err();
    let qovery::client::Error::UnexpectedStatus(response) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(response.status, StatusCode::IM_A_TEAPOT);
    assert_eq!(response.headers["retry-after"], "7");
    assert!(response.body.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Secrets never show
// ---------------------------------------------------------------------------------------------

const SECRET: &str = "s3cr3t-T0KEN-do-not-print";

fn assert_hides_secret(what: &str, value: &(impl Debug + Display)) {
    let display = value.to_string();
    let debug = format!("{value:?}");
    assert!(
        !display.contains(SECRET),
        "{what} Display leaks the secret: {display}"
    );
    assert!(
        !debug.contains(SECRET),
        "{what} Debug leaks the secret: {debug}"
    );
}

#[tokio::test]
async fn clients_and_errors_never_print_the_credential() {
    let server = CaptureServer::start(Canned::empty(418)).await;
    let coveo_client = server.coveo(SECRET);
    let qovery_client = server
        .qovery()
        .with_api_key_auth(SECRET)
        .with_bearer_auth(SECRET);
    for debug in [format!("{coveo_client:?}"), format!("{coveo_client:#?}")] {
        assert!(!debug.contains(SECRET), "{debug}");
    }
    for debug in [format!("{qovery_client:?}"), format!("{qovery_client:#?}")] {
        assert!(!debug.contains(SECRET), "{debug}");
    }

    // The credential did go out.
    let error = coveo_client.list_organizations().await.unwrap_err();
    assert_eq!(
        server.take_one().header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    assert_hides_secret("UnexpectedStatus", &error);

    server.reply_with(Canned::json(200, "{"));
    let error = coveo_client.list_organizations().await.unwrap_err();
    assert_hides_secret("InvalidBody", &error);
    let error = coveo_client.delete_organization("..").await.unwrap_err();
    assert_hides_secret("InvalidRequest", &error);

    let body = qovery_request("acme", qovery::model::PlanEnum::Free);
    server.reply_with(Canned::empty(418));
    let error = qovery_client
        .create_organization(Some(&body))
        .await
        .unwrap_err();
    assert_hides_secret("qovery UnexpectedStatus", &error);

    let closing = closing_server().await;
    let error = coveo::client::Client::new(&closing)
        .with_bearer_auth(SECRET)
        .list_organizations()
        .await
        .unwrap_err();
    assert!(matches!(error, coveo::client::Error::Transport(_)));
    assert_hides_secret("Transport", &error);

    let silent = silent_server().await;
    let error = qovery::client::Client::with_http_client(&silent, timeout_http_client())
        .with_api_key_auth(SECRET)
        .create_organization(Some(&body))
        .await
        .unwrap_err();
    assert!(matches!(error, qovery::client::Error::Timeout { .. }));
    assert_hides_secret("Timeout", &error);
}

#[tokio::test]
async fn credential_with_crlf_cannot_inject_headers() {
    let server = CaptureServer::start(Canned::json(200, "[]")).await;
    let _ = server
        .coveo("T\r\nX-Injected: 1")
        .list_organizations()
        .await;
    let _ = server
        .qovery()
        .with_api_key_auth("K\r\nX-Injected: 1")
        .create_organization(None)
        .await;
    for request in server.requests() {
        assert_eq!(request.header("x-injected"), None, "{request:#?}");
        for (_, value) in request.header_list() {
            assert!(!value.contains("X-Injected"), "{request:#?}");
        }
    }
}

/// A credential that cannot be a header value should fail the call like an unencodable path
/// parameter does, instead of going out as something else.
#[tokio::test]
async fn credential_that_is_not_a_header_value_is_refused_unsent() {
    let server = CaptureServer::start(Canned::json(200, "[]")).await;
    let error = server
        .coveo("T\r\nX-Injected: 1")
        .list_organizations()
        .await
        .unwrap_err();
    assert!(
        matches!(error, coveo::client::Error::InvalidRequest(_)),
        "{error:?}"
    );
    let error = server
        .qovery()
        .with_api_key_auth("K\nX")
        .create_organization(None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, qovery::client::Error::InvalidRequest(_)),
        "{error:?}"
    );
    assert!(server.requests().is_empty(), "{:#?}", server.requests());
}

#[tokio::test]
async fn body_cut_short_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[{\"id\":")
                .await;
            drop(socket);
        }
    });
    let error = coveo::client::Client::new(format!("http://{addr}"))
        .with_bearer_auth("T")
        .list_organizations()
        .await
        .unwrap_err();
    assert!(
        matches!(error, coveo::client::Error::Transport(_)),
        "{error:?}"
    );
}
