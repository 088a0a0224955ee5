//! The `validation` fixture's server refuses requests that break the schema's constraints with one
//! `400` listing every violation by place, lets valid ones through, and its client, when asked,
//! finds the same violations without sending anything.

use std::sync::Arc;

use fixtures::validation::client::{Client, Error, PutThingOptions};
use fixtures::validation::model::{Kind, Part, PostFormBody, PostUploadBody, PutThingTagItem, Thing};
use fixtures::validation::operations::*;
use fixtures::validation::server::*;
use serde_json::{json, Value};

struct Store;

impl Api for Store {
    async fn put_thing(self: Arc<Self>, input: PutThingInput) -> PutThingResponse {
        // Only requests that meet every constraint get here.
        assert!(input.body.name.chars().count() >= 2, "{input:?}");
        PutThingResponse::NoContent
    }

    async fn post_form(self: Arc<Self>, _: PostFormInput) -> PostFormResponse {
        PostFormResponse::NoContent
    }

    async fn post_upload(self: Arc<Self>, _: PostUploadInput) -> PostUploadResponse {
        PostUploadResponse::NoContent
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(Store)).await.unwrap() });
    format!("http://{address}")
}

/// The status and JSON body of a raw request.
async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn violations(body: &Value) -> Vec<(String, String, Value)> {
    body["violations"]
        .as_array()
        .unwrap_or_else(|| panic!("no violations in {body}"))
        .iter()
        .map(|v| (v["at"].as_str().unwrap().to_owned(), v["keyword"].as_str().unwrap().to_owned(), v["limit"].clone()))
        .collect()
}

fn v(at: &str, keyword: &str, limit: Value) -> (String, String, Value) {
    (at.to_owned(), keyword.to_owned(), limit)
}

#[tokio::test]
async fn every_violation_of_a_request_is_listed_by_place() {
    let base = serve().await;
    let http = reqwest::Client::new();
    let body = json!({
        "id": 1,
        "name": "x",
        "kind": "huge",
        "email": "nobody",
        "ipv4": "300.1.1.1",
        "ipv6": "::g",
        "site": "not a uri",
        "price": 0.75,
        "items": [{"name": "ok"}, {"name": ""}, {}],
        "labels": {"a": "long", "b": "x", "c": "y"},
        "extra": true
    });
    let request = http
        .post(format!("{base}/things/ABC?limit=7&tag=red&tag=red&tag=pink&tag=blue&bad=x"))
        .header("X-Ratio", "1")
        .header("Cookie", "session=abc")
        .header("Content-Type", "application/json")
        .body(body.to_string());
    let (status, answer) = send(request).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["status"], 400);
    assert_eq!(answer["error"], "Bad Request");
    assert_eq!(answer["location"], "path.code");
    let found = violations(&answer);
    let expected = vec![
        v("path.code", "pattern", json!("^[a-z]+$")),
        v("query.limit", "multipleOf", json!(5)),
        v("query.tag/2", "enum", json!(["red", "green", "blue"])),
        v("query.tag", "maxItems", json!(3)),
        v("query.tag", "uniqueItems", json!(true)),
        v("header.X-Ratio", "exclusiveMaximum", json!(1.0)),
        v("cookie.session", "minLength", json!(4)),
        v("body/name", "minLength", json!(2)),
        v("body/kind", "enum", json!(["small", "large"])),
        v("body/email", "format", json!("email")),
        v("body/ipv4", "format", json!("ipv4")),
        v("body/ipv6", "format", json!("ipv6")),
        v("body/site", "format", json!("uri")),
        v("body/price", "multipleOf", json!(0.5)),
        v("body/items/1/name", "minLength", json!(1)),
        v("body/items", "maxItems", json!(2)),
        v("body/labels/a", "maxLength", json!(3)),
        v("body/labels", "maxProperties", json!(2)),
        v("body/extra", "additionalProperties", json!(false)),
    ];
    assert_eq!(found, expected, "{answer:#}");
    assert_eq!(answer["message"], "the request breaks 19 schema constraints");
    // No value is echoed: only places, keywords and the schema's limits.
    assert!(!answer.to_string().contains("nobody") && !answer.to_string().contains("300.1"), "{answer}");
}

#[tokio::test]
async fn bounds_enums_and_form_and_multipart_fields_are_checked() {
    let base = serve().await;
    let http = reqwest::Client::new();
    let thing = |name: &str| json!({"name": name}).to_string();
    let (status, answer) = send(
        http.post(format!("{base}/things/abc?limit=0")).header("X-Ratio", "0").header("Content-Type", "application/json").body(thing("abcdef")),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    let expected = vec![
        v("query.limit", "minimum", json!(5)),
        v("header.X-Ratio", "exclusiveMinimum", json!(0.0)),
        v("body/name", "maxLength", json!(5)),
    ];
    assert_eq!(violations(&answer), expected);
    let (status, answer) =
        send(http.post(format!("{base}/things/abc?limit=55")).header("Content-Type", "application/json").body(json!({"name": "ab", "labels": {}}).to_string()))
            .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(violations(&answer), vec![v("query.limit", "maximum", json!(50)), v("body/labels", "minProperties", json!(1))]);

    let form = http.post(format!("{base}/forms")).header("Content-Type", "application/x-www-form-urlencoded").body("title=long");
    let (status, answer) = send(form).await;
    assert_eq!((status, violations(&answer)), (400, vec![v("body/title", "maxLength", json!(3))]));

    let boundary = "XyZ";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nab\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n10\r\n--{boundary}--\r\n"
    );
    let upload = http.post(format!("{base}/uploads")).header("Content-Type", format!("multipart/form-data; boundary={boundary}")).body(multipart);
    let (status, answer) = send(upload).await;
    assert_eq!((status, violations(&answer)), (400, vec![v("body/count", "maximum", json!(9))]));
}

fn valid_thing() -> Thing {
    Thing {
        id: Some(1),
        name: "abc".to_owned(),
        kind: Some(Kind::Small),
        email: Some("a@example.com".to_owned()),
        ipv4: Some("10.0.0.1".to_owned()),
        ipv6: Some("::1".to_owned()),
        site: Some("https://example.com/x".to_owned()),
        price: Some(9.5),
        items: Some(vec![Part { name: Some("p".to_owned()) }]),
        labels: Some([("a".to_owned(), "abc".to_owned())].into()),
        plain: None,
    }
}

#[tokio::test]
async fn a_valid_request_reaches_the_implementation() {
    let base = serve().await;
    // The client validates too: a valid request passes both.
    let client = Client::new(&base).with_request_validation(true);
    let options = PutThingOptions {
        limit: Some(50),
        tag: Some(vec![PutThingTagItem::Red, PutThingTagItem::Blue]),
        x_ratio: Some(0.5),
        session: Some("abcd".to_owned()),
        // Its pattern does not compile, so it is not checked.
        bad: Some("anything".to_owned()),
    };
    // `id` is `readOnly`: sent back in a request, it is not checked (nor refused).
    let answer = client.put_thing("abc", &valid_thing(), &options).await.unwrap();
    assert_eq!(answer, PutThingResponse::NoContent);
    let form = PostFormBody { title: "abc".to_owned() };
    assert_eq!(client.post_form(&form).await.unwrap(), PostFormResponse::NoContent);
    let upload = PostUploadBody { file: vec![1, 2].into(), count: 9 };
    assert_eq!(client.post_upload(&upload).await.unwrap(), PostUploadResponse::NoContent);
}

#[tokio::test]
async fn the_client_finds_violations_without_a_round_trip_when_asked() {
    // Nothing listens here: a request the client refuses is never sent.
    let client = Client::new("http://127.0.0.1:9").with_request_validation(true);
    let mut thing = valid_thing();
    thing.name = "x".to_owned();
    let options = PutThingOptions { limit: Some(0), ..Default::default() };
    match client.put_thing("ABC", &thing, &options).await {
        Err(Error::Violations(list)) => {
            let found: Vec<(String, &str)> = list.iter().map(|v| (v.at.clone(), v.keyword)).collect();
            let expected = [("path.code", "pattern"), ("query.limit", "minimum"), ("body/name", "minLength")];
            assert_eq!(found, expected.map(|(at, keyword)| (at.to_owned(), keyword)));
        }
        other => panic!("expected violations, got {other:?}"),
    }
    // Without validation the same request is sent (and fails to connect here).
    let plain = Client::new("http://127.0.0.1:9");
    assert!(!matches!(plain.put_thing("ABC", &thing, &options).await, Err(Error::Violations(_))));
}
