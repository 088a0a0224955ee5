//! The `bytes` fixture's client and server over loopback HTTP: bytes inside JSON (a property,
//! array items, map values, a nullable property, a whole body, a query parameter) travel as
//! base64 strings, the schema's `type: string`, and come back as the same bytes; URL-safe and
//! unpadded base64 are read too.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use openapi_gen_runtime::Base64;
use serde_json::{json, Value};
use support::serve;

use fixtures::bytes::client::{Client, PutBlobOptions};
use fixtures::bytes::model::{Blob, RawResponse};
use fixtures::bytes::operations::*;
use fixtures::bytes::server::*;

struct Store;

impl Api for Store {
    async fn put_blob(self: Arc<Self>, input: PutBlobInput) -> PutBlobResponse {
        let mut blob = input.body;
        blob.tag = input.salt;
        PutBlobResponse::Ok(blob)
    }

    async fn echo_raw(self: Arc<Self>, input: EchoRawInput) -> EchoRawResponse {
        let mut bytes = input.body.into_inner();
        bytes.reverse();
        EchoRawResponse::Ok(RawResponse::from(bytes))
    }
}

fn blob() -> Blob {
    Blob {
        data: vec![0xfb, 0xff, 0x00].into(),
        tag: None,
        chunks: Some(vec![b"ab".to_vec().into(), Base64::default()]),
        named: Some(BTreeMap::from([("k".to_owned(), b"hi".to_vec().into())])),
        maybe: Some(None),
    }
}

#[tokio::test]
async fn bytes_inside_json_cross_the_wire_as_base64_strings() {
    let base = serve(router(Store)).await;
    let client = Client::new(&base);
    let options = PutBlobOptions { salt: Some(b"salt".to_vec().into()) };
    let PutBlobResponse::Ok(stored) = client.put_blob("b1", &blob(), &options).await.unwrap();
    assert_eq!(stored, Blob { tag: Some(b"salt".to_vec().into()), ..blob() });

    // On the wire: strings of standard, padded base64, as the schema's `type: string` says.
    let http = reqwest::Client::new();
    let response = http
        .put(format!("{base}/blobs/b1?salt=c2FsdA%3D%3D"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&blob()).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let wire: Value = response.json().await.unwrap();
    assert_eq!(
        wire,
        json!({"data": "+/8A", "tag": "c2FsdA==", "chunks": ["YWI=", ""], "named": {"k": "aGk="}, "maybe": null})
    );

    // URL-safe and unpadded base64 are read as the same bytes; other text is refused.
    let sent = json!({"data": "-_8A", "chunks": ["YWI"]});
    let response = http.put(format!("{base}/blobs/b2")).json(&sent).send().await.unwrap();
    let wire: Value = response.json().await.unwrap();
    assert_eq!((wire["data"].as_str(), &wire["chunks"]), (Some("+/8A"), &json!(["YWI="])));
    let response = http.put(format!("{base}/blobs/b3")).json(&json!({"data": "not base64!"})).send().await.unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_json_body_of_bytes_is_one_base64_string() {
    let base = serve(router(Store)).await;
    let client = Client::new(&base);
    let EchoRawResponse::Ok(reversed) = client.echo_raw(&Base64(vec![1, 2, 3])).await.unwrap();
    assert_eq!(reversed.as_slice(), [3, 2, 1]);

    let response = reqwest::Client::new()
        .post(format!("{base}/raw"))
        .header("content-type", "application/json")
        .body(r#""AQID""#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), r#""AwIB""#);
}

#[tokio::test]
async fn the_mock_sends_base64_where_the_schema_holds_bytes() {
    let base = serve(fixtures::bytes::mock::router()).await;
    let client = Client::new(&base);
    let PutBlobResponse::Ok(blob) = client.put_blob("b1", &blob(), &PutBlobOptions::default()).await.unwrap();
    // `tag` is bounded to 2..=3 characters of base64: unpadded `AA` or `AAA`.
    let tag = blob.tag.expect("the mock fills optional properties");
    assert!(matches!(tag.len(), 1 | 2), "{tag:?}");
    let response = reqwest::Client::new().post(format!("{base}/raw")).json(&json!("AQID")).send().await.unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body.as_str().is_some_and(|text| Base64::decode(text).is_ok()), "{body}");
}
