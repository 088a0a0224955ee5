//! What a deployed server needs around the generated router, over loopback HTTP: the request's
//! context in each operation's input (extensions set by a tower layer, headers, remote address,
//! method, URI), the `Answers` escape hatch (an undocumented status, headers added to a documented
//! response), and the example servers' graceful shutdown.

#[path = "../examples/support/coveo_service.rs"]
#[allow(dead_code)]
mod coveo_service;
#[path = "../examples/support/serving.rs"]
#[allow(dead_code)]
mod serving;

use generated::coveo as api;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::model::{Error, OrganizationCreated};
use api::operations::{
    CreateOrganizationResponse, DeleteOrganizationResponse, ListOrganizationsResponse,
};
use api::server::{
    router, Answer, Answers, Api, CreateOrganizationInput, DeleteOrganizationInput,
    ListOrganizationsInput,
};
use axum::http::StatusCode;

/// Serves `app` on a free port of 127.0.0.1 with the peer's address in each request (axum's
/// `ConnectInfo`, as the example servers do), for the rest of the test.
async fn serve_with_peer(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serving::serve(listener, app, std::future::pending()));
    address
}

/// What a tower layer attached to the request.
#[derive(Debug, Clone, PartialEq)]
struct RequestId(String);

/// What the implementation saw of each request's context.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    request_id: Option<RequestId>,
    tenant: Option<String>,
    method: String,
    uri: String,
    remote: Option<SocketAddr>,
}

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

impl Recorder {
    fn record(&self, request: &api::server::RequestContext) {
        self.seen.lock().unwrap().push(Seen {
            request_id: request.extensions().get::<RequestId>().cloned(),
            tenant: request
                .headers()
                .get("x-tenant")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            remote: request.remote_addr(),
        });
    }
}

impl Api for Recorder {
    async fn create_organization(
        self: Arc<Self>,
        input: CreateOrganizationInput,
    ) -> CreateOrganizationResponse {
        self.record(&input.request);
        CreateOrganizationResponse::Created(OrganizationCreated { id: input.name })
    }

    async fn delete_organization(
        self: Arc<Self>,
        input: DeleteOrganizationInput,
    ) -> DeleteOrganizationResponse {
        self.record(&input.request);
        DeleteOrganizationResponse::NoContent
    }

    async fn list_organizations(
        self: Arc<Self>,
        input: ListOrganizationsInput,
    ) -> ListOrganizationsResponse {
        self.record(&input.request);
        ListOrganizationsResponse::Ok(Vec::new())
    }
}

/// A layer that attaches a request id, as a tracing or correlation middleware would.
async fn attach_request_id(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned();
    request.extensions_mut().insert(RequestId(id));
    next.run(request).await
}

#[tokio::test]
async fn the_request_context_reaches_the_implementation() {
    let recorder = Arc::new(Recorder::default());
    struct Shared(Arc<Recorder>);
    // The router owns its implementation: share the recorder through a forwarding one.
    impl Api for Shared {
        async fn create_organization(
            self: Arc<Self>,
            input: CreateOrganizationInput,
        ) -> CreateOrganizationResponse {
            Api::create_organization(self.0.clone(), input).await
        }
        async fn delete_organization(
            self: Arc<Self>,
            input: DeleteOrganizationInput,
        ) -> DeleteOrganizationResponse {
            Api::delete_organization(self.0.clone(), input).await
        }
        async fn list_organizations(
            self: Arc<Self>,
            input: ListOrganizationsInput,
        ) -> ListOrganizationsResponse {
            Api::list_organizations(self.0.clone(), input).await
        }
    }
    let app = router(Shared(recorder.clone())).layer(axum::middleware::from_fn(attach_request_id));
    let address = serve_with_peer(app).await;
    let http = reqwest::Client::new();
    let created = http
        .post(format!(
            "http://{address}/rest/organizations?name=Acme&trace=1"
        ))
        .bearer_auth("alice")
        .header("x-request-id", "req-42")
        .header("x-tenant", "blue")
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let deleted = http
        .delete(format!("http://{address}/rest/organizations/acme"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);

    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].request_id, Some(RequestId("req-42".to_owned())));
    // An undeclared header, the method and the URI as sent, query string included.
    assert_eq!(seen[0].tenant.as_deref(), Some("blue"));
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].uri, "/rest/organizations?name=Acme&trace=1");
    assert_eq!(seen[1].request_id, Some(RequestId("none".to_owned())));
    assert_eq!(seen[1].method, "DELETE");
    assert_eq!(seen[1].uri, "/rest/organizations/acme");
    // The peer is this test's client, on loopback.
    for request in &seen {
        let remote = request.remote.expect("served with ConnectInfo");
        assert!(remote.ip().is_loopback());
        assert_ne!(remote.port(), address.port());
    }
}

#[tokio::test]
async fn the_coveo_example_authorises_with_the_principal_its_layer_sets() {
    let app = router(coveo_service::CoveoService::new()).layer(coveo_service::PrincipalLayer);
    let address = serve_with_peer(app).await;
    let http = reqwest::Client::new();
    let list = |token: &'static str| {
        http.get(format!("http://{address}/rest/organizations"))
            .bearer_auth(token)
            .send()
    };
    for (token, name) in [("alice", "Alice Org"), ("bob", "Bob Org")] {
        let response = http
            .post(format!("http://{address}/rest/organizations?name={name}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    // Each principal sees only its own organization, and may not delete another's.
    let alices: serde_json::Value = list("alice").await.unwrap().json().await.unwrap();
    assert_eq!(alices.as_array().unwrap().len(), 1);
    assert_eq!(alices[0]["id"], "aliceorg");
    let bobs: serde_json::Value = list("bob").await.unwrap().json().await.unwrap();
    assert_eq!(bobs[0]["id"], "boborg");
    let forbidden = http
        .delete(format!("http://{address}/rest/organizations/aliceorg"))
        .bearer_auth("bob")
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);

    // The same router without the layer has no principal: the implementation refuses.
    let bare = serve_with_peer(router(coveo_service::CoveoService::new())).await;
    let refused = http
        .get(format!("http://{bare}/rest/organizations"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

/// An implementation of the escape hatch: maintenance answers `503` with `Retry-After`, which
/// `listOrganizations` does not document, and the list gets caching headers it does not list.
struct Maintenance {
    down: std::sync::atomic::AtomicBool,
}

fn error(code: &str) -> Error {
    Error {
        error_code: code.to_owned(),
        message: String::new(),
    }
}

impl Answers for Maintenance {
    async fn create_organization(
        self: Arc<Self>,
        _input: CreateOrganizationInput,
    ) -> Answer<CreateOrganizationResponse> {
        // A header that is not valid HTTP is the server's fault: a `500` that says so.
        Answer::from(CreateOrganizationResponse::Forbidden(error("NO"))).header("bad header", "x")
    }

    async fn delete_organization(
        self: Arc<Self>,
        _input: DeleteOrganizationInput,
    ) -> Answer<DeleteOrganizationResponse> {
        DeleteOrganizationResponse::NoContent.into()
    }

    async fn list_organizations(
        self: Arc<Self>,
        _input: ListOrganizationsInput,
    ) -> Answer<ListOrganizationsResponse> {
        if self.down.load(std::sync::atomic::Ordering::Relaxed) {
            return Answer::undocumented(StatusCode::SERVICE_UNAVAILABLE)
                .header("Retry-After", "120")
                .json(&serde_json::json!({"message": "down for maintenance"}));
        }
        Answer::from(ListOrganizationsResponse::Ok(Vec::new()))
            .header("Cache-Control", "max-age=60")
            .header("ETag", "\"v1\"")
    }
}

#[tokio::test]
async fn the_escape_hatch_answers_undocumented_statuses_and_adds_headers() {
    let service = Maintenance {
        down: std::sync::atomic::AtomicBool::new(true),
    };
    let address = serve_with_peer(router(service)).await;
    let http = reqwest::Client::new();
    let get = || {
        http.get(format!("http://{address}/rest/organizations"))
            .bearer_auth("alice")
            .send()
    };

    let unavailable = get().await.unwrap();
    assert_eq!(unavailable.status(), 503);
    assert_eq!(unavailable.headers()["retry-after"], "120");
    assert_eq!(unavailable.headers()["content-type"], "application/json");
    assert_eq!(
        unavailable.text().await.unwrap(),
        r#"{"message":"down for maintenance"}"#
    );

    // The generated client reads an undocumented status as one, with its headers and body.
    let client = api::client::Client::new(format!("http://{address}")).with_bearer_auth("alice");
    match client.list_organizations().await {
        Err(openapi_gen_runtime::client::Error::UnexpectedStatus(raw)) => {
            assert_eq!(raw.status, 503);
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }

    // The router owns the service: a second one, up, for the documented answer.
    let up = serve_with_peer(router(Maintenance {
        down: std::sync::atomic::AtomicBool::new(false),
    }))
    .await;
    let ok = http
        .get(format!("http://{up}/rest/organizations"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["cache-control"], "max-age=60");
    assert_eq!(ok.headers()["etag"], "\"v1\"");
    assert_eq!(ok.headers()["content-type"], "application/json");
    assert_eq!(ok.text().await.unwrap(), "[]");

    let broken = http
        .post(format!("http://{up}/rest/organizations?name=x"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 500);
    assert!(broken
        .text()
        .await
        .unwrap()
        .contains("header name is not valid"));

    // Without the escape hatch nothing changes: a plain `Api` answers as documented.
    let plain = serve_with_peer(router(Recorder::default())).await;
    let documented = http
        .get(format!("http://{plain}/rest/organizations"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(documented.status(), 200);
    assert!(documented.headers().get("cache-control").is_none());
}

/// Holds each request until told to go on, after saying it arrived.
async fn hold(
    State((arrived, go_on)): State<(
        tokio::sync::mpsc::UnboundedSender<()>,
        Arc<tokio::sync::Notify>,
    )>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    arrived.send(()).unwrap();
    go_on.notified().await;
    next.run(request).await
}

use axum::extract::State;

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish() {
    let (arrived_tx, mut arrived) = tokio::sync::mpsc::unbounded_channel();
    let go_on = Arc::new(tokio::sync::Notify::new());
    // The example server's stack: the Coveo service behind its authentication layer, with a
    // layer that holds the request in flight.
    let app = router(coveo_service::CoveoService::new())
        .layer(coveo_service::PrincipalLayer)
        .layer(axum::middleware::from_fn_with_state(
            (arrived_tx, go_on.clone()),
            hold,
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serving::serve(listener, app, async {
        stopped.await.ok();
    }));

    let in_flight = tokio::spawn(
        reqwest::Client::new()
            .post(format!(
                "http://{address}/rest/organizations?name=In%20Flight"
            ))
            .bearer_auth("alice")
            .send(),
    );
    arrived
        .recv()
        .await
        .expect("the request reached the server");
    // Shut down while the request is in flight: the server stops accepting, but waits for it.
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!server.is_finished(), "the server waits for the request");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "no new connection is accepted once shutting down"
    );
    go_on.notify_one();

    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["id"], "inflight");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap()
        .unwrap();
}
