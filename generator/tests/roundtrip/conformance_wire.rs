//! The `conformance` fixture's mock over loopback HTTP: its answers are built to the schema's
//! constraints and formats (patterns, bounds, `multipleOf`, unique items, counts, formats, a
//! discriminator), a documented example that breaks its schema is not sent, and the router's
//! refusals come in the shapes the description documents: Azure's `default` with the message in
//! `error.message`, an enum-coded `401`, a `422` standing in for undocumented 4xx, a spec-level
//! shape for unknown paths, and the router's own shape where no 4xx is documented.

use serde_json::{json, Value};

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, fixtures::conformance::mock::router()).await.unwrap() });
    format!("http://{address}")
}

/// Status, headers and JSON body of a request.
async fn send(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn the_mock_builds_values_to_the_constraints_and_formats() {
    let base = serve().await;
    let http = reqwest::Client::new();
    let (status, headers, report) = send(http.get(format!("{base}/reports/AB-1234")).header("X-Api-Key", "k")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(header(&headers, "content-type"), "application/json");
    assert_eq!(header(&headers, "x-request-id"), "00000000-0000-4000-8000-000000000000");
    assert_eq!(header(&headers, "x-rate-limit"), "10");
    assert_eq!(report["code"], "AA-0000");
    assert_eq!(report["slug"].as_str().map(str::len), Some(12), "{report}");
    assert_eq!(report["took"], "P1D");
    assert_eq!(report["ratio"], 0.5);
    assert_eq!(report["count"], 105);
    assert_eq!(report["tags"], json!(["a", "b", "c"]));
    assert_eq!(report["window"], "2020-01-01T00:00:00Z");
    assert_eq!(report["address"], "192.0.2.1");
    assert_eq!(report["site"], "https://example.com/");
    assert_eq!(report["contact"], "user@example.com");
    assert_eq!(report["digest"], "c3RyaW5n");
    assert_eq!(report["created"], "2020-01-01");
    assert_eq!(report["day"], "mon");
    assert_eq!(report["parts"], json!([{"name": "st"}, {"name": "st"}]));
    assert_eq!(report["labels"].as_object().map(|m| m.len()), Some(2), "{report}");
    assert_eq!(report["shape"], json!({"kind": "Circle", "radius": 1}));

    // A union's variants are tried most specific first, not in the branches' order: each is
    // built to its own branch (here the enterprise's `format: uri`).
    let (status, _, owner) = send(http.get(format!("{base}/owners/first"))).await;
    assert_eq!(status, 200, "{owner}");
    assert_eq!(owner["website"], "https://example.com/", "{owner}");

    // The documented example breaks `maxLength: 2`: a built value is sent instead.
    let (status, _, part) = send(http.get(format!("{base}/parts/first"))).await;
    assert_eq!((status, part), (200, json!({"name": "st"})));

    // `type: array` with `properties`: the type holds.
    let (status, _, created) = send(http.post(format!("{base}/portfolios")).json(&json!(["x"]))).await;
    assert_eq!((status, created), (201, json!(["string"])));
}

#[tokio::test]
async fn refusals_use_the_documented_shapes() {
    let base = serve().await;
    let http = reqwest::Client::new();

    // No credentials: the documented `401`, every enum at its best-matching value.
    let (status, headers, body) = send(http.get(format!("{base}/reports/AB-1234"))).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body, json!({"_type": "ErrorResponse", "error": "invalid_authentication", "status": 401}));
    assert!(!header(&headers, "www-authenticate").is_empty());

    // A constraint broken: `default` (Azure's shape) with the refused status, the message in
    // `error.message` and the status in `error.code`.
    let (status, _, body) = send(http.get(format!("{base}/reports/nope?limit=99")).header("X-Api-Key", "k")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "400", "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("schema constraint")), "{body}");
    assert_eq!(body.as_object().map(|m| m.len()), Some(1), "{body}");

    // Only `422` is documented: it stands in for the `400` of a malformed body and the `415` of
    // a wrong media type, with the message in `detail` and the status in `status`.
    let (status, _, body) = send(http.post(format!("{base}/portfolios")).header("content-type", "application/json").body("[1,")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["status"], 422);
    assert!(body["detail"].as_str().is_some_and(|m| m.contains("invalid JSON body")), "{body}");
    assert!(body["title"].is_string(), "{body}");
    let (status, _, body) = send(http.post(format!("{base}/portfolios")).header("content-type", "text/plain").body("x")).await;
    assert_eq!((status, &body["status"]), (422, &json!(422)), "{body}");

    // No 4xx documented at all: the router's own shape.
    let (status, _, body) = send(http.get(format!("{base}/plain?n=x"))).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "Bad Request");
    assert_eq!(body["location"], "query.n");

    // Unknown paths and methods: the error shape most operations' `400`s use (a tie here, won
    // by the first operation, `createPortfolios`'s `Problem`).
    let (status, _, body) = send(http.get(format!("{base}/nowhere"))).await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], 404, "{body}");
    assert!(body["detail"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    let (status, _, body) = send(http.delete(format!("{base}/plain"))).await;
    assert_eq!((status, &body["status"]), (405, &json!(405)), "{body}");
}
