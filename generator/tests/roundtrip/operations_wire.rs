//! The `operations` fixture's client and server over loopback HTTP: every response shape the
//! `responses!` table describes (unit, body, headers, a status range, `default` with text) and
//! every body kind (binary, text, form, multipart) crosses the wire and comes back as sent.

mod support;

use std::sync::Arc;

use support::serve;

use fixtures::operations::client::{Client, GetItemOptions};
use fixtures::operations::model::{
    GetItemOkBody, GetItemStatus4xxBody, PutItemFormBody, UploadItemBody,
};
use fixtures::operations::operations::*;
use fixtures::operations::server::*;

struct Items;

impl Api for Items {
    async fn get_item(self: Arc<Self>, input: GetItemInput) -> GetItemResponse {
        match input.item_id {
            1 => GetItemResponse::Ok {
                body: GetItemOkBody { id: Some(1) },
                headers: GetItemOkHeaders {
                    x_rate_remaining: 7,
                    x_next: input.x_trace.clone(),
                },
            },
            2 => GetItemResponse::Status4xx {
                status: 418,
                body: GetItemStatus4xxBody { message: Some(input.tag.join("+")) },
            },
            3 => GetItemResponse::Default { status: 503, body: "down".to_owned() },
            _ => GetItemResponse::NotFound,
        }
    }

    async fn post_blobs(self: Arc<Self>, input: PostBlobsInput) -> PostBlobsResponse {
        let body = input.body.collect().await.unwrap();
        PostBlobsResponse::Ok(body.iter().rev().copied().collect::<Vec<u8>>().into())
    }

    async fn put_item_form(self: Arc<Self>, input: PutItemFormInput) -> PutItemFormResponse {
        assert_eq!(input.body.name, "a b&c");
        PutItemFormResponse::NoContent
    }

    async fn put_text(self: Arc<Self>, input: PutTextInput) -> PutTextResponse {
        assert_eq!(input.body.as_deref(), Some("héllo"));
        PutTextResponse::Ok
    }

    async fn upload_item(self: Arc<Self>, input: UploadItemInput) -> UploadItemResponse {
        let body = input.body.expect("a multipart body");
        assert_eq!((body.file.as_slice(), body.note.as_deref()), (&[0u8, 255, 1][..], Some("n")));
        assert_eq!(body.title, "t");
        UploadItemResponse::Created
    }
}

#[tokio::test]
async fn every_response_and_body_shape_crosses_the_wire() {
    let address = serve(router(Items)).await;
    let client = Client::new(address.clone()).with_bearer("t").with_basic("u:p");
    let tags = vec!["x".to_owned(), "y".to_owned()];
    let options = GetItemOptions { x_trace: Some("trace".to_owned()), ..Default::default() };

    let ok = client.get_item(1, &tags, &options).await.unwrap();
    let expected = GetItemResponse::Ok {
        body: GetItemOkBody { id: Some(1) },
        headers: GetItemOkHeaders { x_rate_remaining: 7, x_next: Some("trace".to_owned()) },
    };
    assert_eq!(ok, expected);
    let ranged = client.get_item(2, &tags, &GetItemOptions::default()).await.unwrap();
    let expected = GetItemResponse::Status4xx {
        status: 418,
        body: GetItemStatus4xxBody { message: Some("x+y".to_owned()) },
    };
    assert_eq!(ranged, expected);
    let other = client.get_item(3, &tags, &GetItemOptions::default()).await.unwrap();
    assert_eq!(other, GetItemResponse::Default { status: 503, body: "down".to_owned() });
    let missing = client.get_item(4, &tags, &GetItemOptions::default()).await.unwrap();
    assert_eq!(missing, GetItemResponse::NotFound);

    let PostBlobsResponse::Ok(blob) = client.post_blobs(vec![1, 2, 3].into()).await.unwrap();
    assert_eq!(&blob.collect().await.unwrap()[..], [3, 2, 1]);
    assert_eq!(client.put_text(Some("héllo")).await.unwrap(), PutTextResponse::Ok);
    let form = PutItemFormBody { name: "a b&c".to_owned() };
    assert_eq!(client.put_item_form(5, &form).await.unwrap(), PutItemFormResponse::NoContent);
    let upload = UploadItemBody {
        file: vec![0, 255, 1].into(),
        title: "t".to_owned(),
        note: Some("n".to_owned()),
    };
    assert_eq!(client.upload_item(6, Some(&upload)).await.unwrap(), UploadItemResponse::Created);
}

#[tokio::test]
async fn a_401_sends_the_challenge_of_each_scheme_the_operation_accepts() {
    let address = serve(router(Items)).await;
    // `getItem` takes `bearer` or the `key` query API key; a required array is taken as a slice.
    let client = Client::new(address.clone());
    let refused = client.get_item(1, &["x".to_owned()], &GetItemOptions::default()).await;
    // The operation documents a `4XX` range, so the refusal decodes into it.
    assert!(matches!(refused, Ok(GetItemResponse::Status4xx { status: 401, .. })), "{refused:?}");
    let raw = reqwest::get(format!("{address}/items/1?tag=x")).await.unwrap();
    let challenges: Vec<&str> = raw
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(challenges, ["Bearer", "ApiKey in=\"query\", name=\"api_key\""]);
}
