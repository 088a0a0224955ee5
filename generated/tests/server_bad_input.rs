//! Black-box HTTP tests of the generated Coveo and Qovery routers with bad input: every malformed, unauthenticated, oversized or misrouted request gets a JSON 4xx (never a 500, a panic or a hang) and never reaches the `Api` implementation, which panics if called.

#![cfg(all(feature = "server", feature = "coveo", feature = "qovery"))]

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use generated::coveo;
use generated::qovery;
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMIT: usize = 1024;

// ---------------------------------------------------------------------------------------------
// Implementations that must never be called
// ---------------------------------------------------------------------------------------------

struct MustNotBeCalled;

impl coveo::server::Api for MustNotBeCalled {
    async fn create_organization(
        self: Arc<Self>,
        input: coveo::server::CreateOrganizationInput,
    ) -> coveo::operations::CreateOrganizationResponse {
        panic!("bad input reached the implementation: {input:?}")
    }

    async fn delete_organization(
        self: Arc<Self>,
        input: coveo::server::DeleteOrganizationInput,
    ) -> coveo::operations::DeleteOrganizationResponse {
        panic!("bad input reached the implementation: {input:?}")
    }

    async fn list_organizations(
        self: Arc<Self>,
        input: coveo::server::ListOrganizationsInput,
    ) -> coveo::operations::ListOrganizationsResponse {
        panic!("bad input reached the implementation: {input:?}")
    }
}

impl qovery::server::Api for MustNotBeCalled {
    async fn create_organization(
        self: Arc<Self>,
        input: qovery::server::CreateOrganizationInput,
    ) -> qovery::operations::CreateOrganizationResponse {
        panic!("bad input reached the implementation: {input:?}")
    }
}

/// The control: counts calls, so the tests can show that well-formed requests do get through
/// the same routers (the refusals below are about the input, not the harness).
#[derive(Clone, Default)]
struct Counting(Arc<AtomicUsize>);

impl coveo::server::Api for Counting {
    async fn create_organization(
        self: Arc<Self>,
        input: coveo::server::CreateOrganizationInput,
    ) -> coveo::operations::CreateOrganizationResponse {
        self.0.fetch_add(1, Ordering::SeqCst);
        coveo::operations::CreateOrganizationResponse::Created(coveo::model::OrganizationCreated {
            id: input.name.to_lowercase().replace(' ', ""),
        })
    }

    async fn delete_organization(
        self: Arc<Self>,
        _input: coveo::server::DeleteOrganizationInput,
    ) -> coveo::operations::DeleteOrganizationResponse {
        self.0.fetch_add(1, Ordering::SeqCst);
        coveo::operations::DeleteOrganizationResponse::NoContent
    }

    async fn list_organizations(
        self: Arc<Self>,
        _input: coveo::server::ListOrganizationsInput,
    ) -> coveo::operations::ListOrganizationsResponse {
        self.0.fetch_add(1, Ordering::SeqCst);
        coveo::operations::ListOrganizationsResponse::Ok(Vec::new())
    }
}

impl qovery::server::Api for Counting {
    async fn create_organization(
        self: Arc<Self>,
        _input: qovery::server::CreateOrganizationInput,
    ) -> qovery::operations::CreateOrganizationResponse {
        self.0.fetch_add(1, Ordering::SeqCst);
        qovery::operations::CreateOrganizationResponse::Conflict
    }
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

struct Served {
    addr: SocketAddr,
    base_url: String,
    http: reqwest::Client,
}

async fn serve(router: axum::Router) -> Served {
    let addr = support::serve(router).await;
    Served {
        addr,
        base_url: format!("http://{addr}"),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    }
}

async fn coveo_server() -> Served {
    serve(coveo::server::router_with_config(
        MustNotBeCalled,
        coveo::server::ServerConfig::default()
            .body_limit(LIMIT)
            .router_refusals(),
    ))
    .await
}

async fn qovery_server() -> Served {
    serve(qovery::server::router_with_config(
        MustNotBeCalled,
        qovery::server::ServerConfig::default()
            .body_limit(LIMIT)
            .router_refusals(),
    ))
    .await
}

/// A refusal as the client sees it.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    headers: HeaderMap,
    json: serde_json::Value,
}

impl Refusal {
    /// Asserts the status and the generated JSON error body, including `location`.
    fn expect(&self, status: u16, location: Option<&str>) {
        assert_eq!(self.status, status, "{self:#?}");
        assert_eq!(
            self.headers.get(CONTENT_TYPE).map(|v| v.to_str().unwrap()),
            Some("application/json"),
            "{self:#?}"
        );
        assert_eq!(self.json["status"], status, "{self:#?}");
        assert_eq!(
            self.json["error"],
            self.status.canonical_reason().unwrap(),
            "{self:#?}"
        );
        assert!(
            self.json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{self:#?}"
        );
        assert_eq!(self.json["location"].as_str(), location, "{self:#?}");
    }
}

impl Served {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base_url, path))
    }

    /// Sends, asserting a 4xx with a JSON body (never a 5xx or a dropped connection).
    async fn refused(&self, request: reqwest::RequestBuilder) -> Refusal {
        let response = request
            .send()
            .await
            .expect("the server answered (a dropped connection means the Api panicked)");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap();
        assert!(
            status.is_client_error(),
            "expected a 4xx, got {status}: {}",
            String::from_utf8_lossy(&body)
        );
        let json = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{status}: body is not JSON ({e}): {body:?}"));
        Refusal {
            status,
            headers,
            json,
        }
    }
}

/// A response read off a raw socket.
#[derive(Debug)]
struct RawReply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// Writes `request` on a fresh connection (in the background, ignoring write errors: the server
/// may answer and close before reading everything) and reads the response.
async fn raw_exchange(addr: SocketAddr, request: Vec<u8>) -> RawReply {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move {
        let _ = write.write_all(&request).await;
        let _ = write.flush().await;
        // Keep the write half open until the exchange is over.
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(write);
    });
    let mut received = Vec::new();
    let read_all = async {
        let mut buf = [0u8; 8192];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
            if response_complete(&received) {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read_all)
        .await
        .expect("the server answered in time");
    writer.abort();
    let split = find(&received, b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&received)));
    let head = String::from_utf8(received[..split].to_vec()).unwrap();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head}"));
    RawReply {
        status,
        head,
        body: received[split + 4..].to_vec(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `received` holds a whole response framed by `content-length`.
fn response_complete(received: &[u8]) -> bool {
    let Some(split) = find(received, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&received[..split]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    length.is_some_and(|n| received.len() >= split + 4 + n)
}

fn bearer() -> (reqwest::header::HeaderName, &'static str) {
    (AUTHORIZATION, "Bearer T")
}

const VALID_QOVERY_BODY: &str = r#"{"name":"acme","plan":"FREE"}"#;

// ---------------------------------------------------------------------------------------------
// The control
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn well_formed_requests_do_reach_the_implementation() {
    let calls = Counting::default();
    let coveo = serve(coveo::server::router_with_config(
        calls.clone(),
        coveo::server::ServerConfig::default()
            .body_limit(LIMIT)
            .router_refusals(),
    ))
    .await;
    let response = coveo
        .request(Method::POST, "/rest/organizations?name=My+Org")
        .header(AUTHORIZATION, "Bearer T")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"id": "myorg"})
    );
    let response = coveo
        .request(Method::DELETE, "/rest/organizations/mycoveosearchorg2")
        .header(AUTHORIZATION, "Bearer T")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);

    let qovery = serve(qovery::server::router_with_config(
        calls.clone(),
        qovery::server::ServerConfig::default()
            .body_limit(LIMIT)
            .router_refusals(),
    ))
    .await;
    let response = qovery
        .request(Method::POST, "/organization")
        .header(AUTHORIZATION, "Token K")
        .header(CONTENT_TYPE, "application/json")
        .body(VALID_QOVERY_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    assert_eq!(calls.0.load(Ordering::SeqCst), 3);
}

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coveo_missing_required_query_parameter_is_400() {
    let server = coveo_server().await;
    for path in [
        "/rest/organizations",
        "/rest/organizations?",
        "/rest/organizations?other=1",
        "/rest/organizations?Name=My+Org",
        "/rest/organizations?name[]=My+Org",
    ] {
        let refusal = server
            .refused(
                server
                    .request(Method::POST, path)
                    .header(bearer().0, bearer().1),
            )
            .await;
        refusal.expect(400, Some("query.name"));
        assert!(refusal.json["message"].as_str().unwrap().contains("name"));
    }
}

/// `name` has `minLength: 1` in the API description.
#[tokio::test]
async fn coveo_empty_name_violates_min_length() {
    let server = coveo_server().await;
    for path in ["/rest/organizations?name=", "/rest/organizations?name"] {
        server
            .refused(
                server
                    .request(Method::POST, path)
                    .header(bearer().0, bearer().1),
            )
            .await
            .expect(400, Some("query.name"));
    }
}

#[tokio::test]
async fn coveo_undecodable_path_parameter_is_400() {
    let server = coveo_server().await;
    server
        .refused(
            server
                .request(Method::DELETE, "/rest/organizations/%FF%FE")
                .header(bearer().0, bearer().1),
        )
        .await
        .expect(400, Some("path"));
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coveo_missing_or_wrong_credentials_are_401() {
    let server = coveo_server().await;
    let operations = [
        (Method::POST, "/rest/organizations?name=My+Org"),
        (Method::GET, "/rest/organizations"),
        (Method::DELETE, "/rest/organizations/mycoveosearchorg2"),
        // The credential is checked before the parameters.
        (Method::POST, "/rest/organizations"),
    ];
    let authorizations = [
        None,
        Some("Bearer"),
        Some("Bearer "),
        Some("Bearer    "),
        Some("Basic dXNlcjpwYXNz"),
        Some("Token K"),
        Some("T"),
        Some(""),
    ];
    for (method, path) in operations {
        for authorization in authorizations {
            let mut request = server.request(method.clone(), path);
            if let Some(value) = authorization {
                request = request.header(AUTHORIZATION, value);
            }
            let refusal = server.refused(request).await;
            refusal.expect(401, None);
            assert_eq!(
                refusal
                    .headers
                    .get(WWW_AUTHENTICATE)
                    .map(|v| v.to_str().unwrap()),
                Some("Bearer"),
                "{method} {path} with {authorization:?}"
            );
        }
    }
}

#[tokio::test]
async fn qovery_missing_or_wrong_credentials_are_401() {
    let server = qovery_server().await;
    for authorization in [
        None,
        Some("Token"),
        Some("Token "),
        Some("Bearer "),
        Some("Basic dXNlcjpwYXNz"),
        Some("K"),
    ] {
        let mut request = server
            .request(Method::POST, "/organization")
            .header(CONTENT_TYPE, "application/json")
            .body(VALID_QOVERY_BODY);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        let refusal = server.refused(request).await;
        refusal.expect(401, None);
        assert!(
            refusal.headers.contains_key(WWW_AUTHENTICATE),
            "{authorization:?}: {refusal:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

fn qovery_post(server: &Served, body: impl Into<reqwest::Body>) -> reqwest::RequestBuilder {
    server
        .request(Method::POST, "/organization")
        .header(AUTHORIZATION, "Token K")
        .header(CONTENT_TYPE, "application/json")
        .body(body)
}

#[tokio::test]
async fn qovery_malformed_or_mistyped_json_is_400_at_body() {
    let server = qovery_server().await;
    let bodies: &[&[u8]] = &[
        // Malformed.
        br#"{"name":"#,
        br#"{"name":"acme","plan":"FREE""#,
        b"{name: 'acme'}",
        br#"{"name":"acme","plan":"FREE"} trailing"#,
        br#"{"name":"acme","plan":"FREE"}{}"#,
        b"\xff\xfe{}",
        // Not an object.
        b"null",
        b"[1, 2]",
        b"\"acme\"",
        b"42",
        // Required properties missing.
        b"{}",
        br#"{"name":"acme"}"#,
        br#"{"plan":"FREE"}"#,
        // Wrong types.
        br#"{"name":1,"plan":"FREE"}"#,
        br#"{"name":null,"plan":"FREE"}"#,
        br#"{"name":"acme","plan":42}"#,
        br#"{"name":"acme","plan":null}"#,
        br#"{"name":"acme","plan":["FREE"]}"#,
        // (`{"FREE":null}` is accepted: see `qovery_plan_must_be_a_json_string`.)
        br#"{"name":"acme","plan":{"PLATINUM":null}}"#,
        br#"{"name":"acme","plan":"FREE","description":5}"#,
        br#"{"name":"acme","plan":"FREE","admin_emails":"a@acme.example"}"#,
        br#"{"name":"acme","plan":"FREE","admin_emails":[1]}"#,
    ];
    for body in bodies {
        let refusal = server.refused(qovery_post(&server, body.to_vec())).await;
        assert_eq!(
            refusal.status,
            400,
            "body {:?}: {refusal:#?}",
            String::from_utf8_lossy(body)
        );
        refusal.expect(400, Some("body"));
    }
}

/// `PlanEnum` is `type: string`; serde's externally tagged enum form `{"FREE": null}` is not.
#[tokio::test]
async fn qovery_plan_must_be_a_json_string() {
    let server = qovery_server().await;
    server
        .refused(qovery_post(
            &server,
            r#"{"name":"acme","plan":{"FREE":null}}"#,
        ))
        .await
        .expect(400, Some("body"));
}

#[tokio::test]
async fn qovery_json_body_with_another_content_type_is_415() {
    let server = qovery_server().await;
    for content_type in [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ] {
        let request = server
            .request(Method::POST, "/organization")
            .header(AUTHORIZATION, "Token K")
            .header(CONTENT_TYPE, content_type)
            .body(VALID_QOVERY_BODY);
        let refusal = server.refused(request).await;
        assert_eq!(refusal.status, 415, "{content_type}: {refusal:#?}");
        refusal.expect(415, Some("header.Content-Type"));
    }
}

#[tokio::test]
async fn body_over_the_limit_with_content_length_is_413() {
    let qovery = qovery_server().await;
    // Exactly at the limit is read (and refused for what it says) ...
    let at_limit = format!(r#"{{"name":"{}"#, "a".repeat(LIMIT - 9));
    assert_eq!(at_limit.len(), LIMIT);
    qovery
        .refused(qovery_post(&qovery, at_limit))
        .await
        .expect(400, Some("body"));
    // ... one byte more is not.
    let over = format!(r#"{{"name":"{}","plan":"FREE"}}"#, "a".repeat(LIMIT));
    qovery
        .refused(qovery_post(&qovery, over.clone()))
        .await
        .expect(413, Some("body"));
    qovery
        .refused(qovery_post(&qovery, "x".repeat(LIMIT + 1)))
        .await
        .expect(413, Some("body"));

    // The limit applies to operations without a request body too.
    let coveo = coveo_server().await;
    coveo
        .refused(
            coveo
                .request(Method::POST, "/rest/organizations?name=My+Org")
                .header(bearer().0, bearer().1)
                .body(over),
        )
        .await
        .expect(413, Some("body"));
}

fn chunked_request(path: &str, authorization: &str, chunks: usize, chunk_size: usize) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {authorization}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..chunks {
        request.extend_from_slice(format!("{chunk_size:x}\r\n").as_bytes());
        request.extend(vec![b'a'; chunk_size]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    request
}

#[tokio::test]
async fn chunked_body_over_the_limit_is_413() {
    let qovery = qovery_server().await;
    let reply = raw_exchange(
        qovery.addr,
        chunked_request("/organization", "Token K", 8, 256),
    )
    .await;
    assert_eq!(reply.status, 413, "{reply:#?}");
    let json: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(json["location"], "body");

    // Under the limit, chunked bodies are read like any other (and refused for what they say).
    let reply = raw_exchange(
        qovery.addr,
        chunked_request("/organization", "Token K", 2, 256),
    )
    .await;
    assert_eq!(reply.status, 400, "{reply:#?}");

    let coveo = coveo_server().await;
    let reply = raw_exchange(
        coveo.addr,
        chunked_request("/rest/organizations?name=x", "Bearer T", 8, 256),
    )
    .await;
    assert_eq!(reply.status, 413, "{reply:#?}");
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_paths_are_404() {
    let coveo = coveo_server().await;
    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/nope"),
        (Method::GET, "/rest"),
        (Method::GET, "/rest/organization"),
        (Method::DELETE, "/rest/organizations/a/b"),
        (Method::DELETE, "/rest/organizations/"),
        (Method::POST, "/REST/ORGANIZATIONS?name=x"),
    ] {
        let refusal = coveo
            .refused(
                coveo
                    .request(method.clone(), path)
                    .header(bearer().0, bearer().1),
            )
            .await;
        assert_eq!(refusal.status, 404, "{method} {path}: {refusal:#?}");
        refusal.expect(404, None);
    }
    let qovery = qovery_server().await;
    for path in ["/organizations", "/organization/x", "/api/organization"] {
        let refusal = qovery
            .refused(
                qovery
                    .request(Method::POST, path)
                    .header(AUTHORIZATION, "Token K")
                    .header(CONTENT_TYPE, "application/json")
                    .body(VALID_QOVERY_BODY),
            )
            .await;
        assert_eq!(refusal.status, 404, "{path}: {refusal:#?}");
        refusal.expect(404, None);
    }
}

#[tokio::test]
async fn wrong_methods_are_405() {
    let coveo = coveo_server().await;
    for (method, path) in [
        (Method::PUT, "/rest/organizations"),
        (Method::PATCH, "/rest/organizations?name=x"),
        (Method::DELETE, "/rest/organizations"),
        (Method::GET, "/rest/organizations/x"),
        (Method::POST, "/rest/organizations/x"),
    ] {
        let refusal = coveo
            .refused(
                coveo
                    .request(method.clone(), path)
                    .header(bearer().0, bearer().1),
            )
            .await;
        assert_eq!(refusal.status, 405, "{method} {path}: {refusal:#?}");
        refusal.expect(405, None);
    }
    let qovery = qovery_server().await;
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let refusal = qovery
            .refused(
                qovery
                    .request(method.clone(), "/organization")
                    .header(AUTHORIZATION, "Token K"),
            )
            .await;
        assert_eq!(refusal.status, 405, "{method}: {refusal:#?}");
        refusal.expect(405, None);
    }
}

// ---------------------------------------------------------------------------------------------
// Oversized requests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn huge_query_strings_are_4xx() {
    let coveo = coveo_server().await;
    // Larger than HTTP/1 parsing allows: refused before routing (414).
    let huge = format!("/rest/organizations?name={}", "a".repeat(70_000));
    let reply = raw_exchange(
        coveo.addr,
        format!("POST {huge} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer T\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    )
    .await;
    assert!((400..500).contains(&reply.status), "{reply:#?}");

    // Large but parseable, without the required parameter: the generated 400.
    let large = format!("/rest/organizations?junk={}", "a".repeat(30_000));
    coveo
        .refused(
            coveo
                .request(Method::POST, &large)
                .header(bearer().0, bearer().1),
        )
        .await
        .expect(400, Some("query.name"));
    // Many parameters.
    let many: Vec<String> = (0..5_000).map(|i| format!("p{i}={i}")).collect();
    coveo
        .refused(
            coveo
                .request(
                    Method::POST,
                    &format!("/rest/organizations?{}", many.join("&")),
                )
                .header(bearer().0, bearer().1),
        )
        .await
        .expect(400, Some("query.name"));
}

#[tokio::test]
async fn huge_header_values_are_4xx() {
    let coveo = coveo_server().await;
    // A megabyte of header: refused while parsing (431).
    let value = "a".repeat(1024 * 1024);
    let reply = raw_exchange(
        coveo.addr,
        format!(
            "GET /rest/organizations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer T\r\n\
             X-Huge: {value}\r\nConnection: close\r\n\r\n"
        )
        .into_bytes(),
    )
    .await;
    assert!((400..500).contains(&reply.status), "{}", reply.head);

    // Large but parseable, without credentials: the generated 401.
    let value = "a".repeat(30_000);
    coveo
        .refused(
            coveo
                .request(Method::GET, "/rest/organizations")
                .header("x-huge", &value),
        )
        .await
        .expect(401, None);
    let qovery = qovery_server().await;
    qovery
        .refused(
            qovery
                .request(Method::POST, "/organization")
                .header(AUTHORIZATION, format!("Basic {value}"))
                .header(CONTENT_TYPE, "application/json")
                .body(VALID_QOVERY_BODY),
        )
        .await
        .expect(401, None);
    // Many headers.
    let mut request = coveo.request(Method::GET, "/rest/organizations");
    for i in 0..200 {
        request = request.header(format!("x-h{i}"), "v");
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_client_error(), "{response:?}");
}

#[tokio::test]
async fn a_burst_of_bad_requests_leaves_the_server_serving() {
    let server = qovery_server().await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let request = qovery_post(&server, format!(r#"{{"name":{i}}}"#));
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 400);
    }
    server
        .refused(server.request(Method::GET, "/organization"))
        .await
        .expect(405, None);
}

// ---------------------------------------------------------------------------------------------
// Hostile encodings
// ---------------------------------------------------------------------------------------------

/// JSON nested deeper than the parser's recursion limit is a 400, not a stack overflow.
#[tokio::test]
async fn deeply_nested_json_body_is_400_at_body() {
    let server = qovery_server().await;
    for open in ["[", "{\"a\":"] {
        let body = format!(
            r#"{{"name":"acme","plan":"FREE","admin_emails":{}"#,
            open.repeat(300)
        );
        assert!(body.len() < LIMIT * 4, "the body stays near the limit");
        let body = body.into_bytes();
        let body = if body.len() > LIMIT {
            body[..LIMIT].to_vec()
        } else {
            body
        };
        server
            .refused(qovery_post(&server, body))
            .await
            .expect(400, Some("body"));
    }
}

/// Query values whose percent-encoding is not UTF-8 are refused, as path segments are.
#[tokio::test]
async fn undecodable_query_parameter_is_400() {
    let server = coveo_server().await;
    for path in [
        "/rest/organizations?name=%FF%FE",
        "/rest/organizations?name=ok&name=%C3",
    ] {
        let refusal = server
            .refused(
                server
                    .request(Method::POST, path)
                    .header(bearer().0, bearer().1),
            )
            .await;
        assert_eq!(refusal.status, 400, "{path}: {refusal:#?}");
    }
}
