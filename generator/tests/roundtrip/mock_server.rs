//! The `mock` fixture's generated mock (`mock::router()`) over loopback HTTP: every operation
//! answers its documented example (the response's own, else its schema's, else a value built
//! from the schema), with the first documented 2xx status and the right content type.

use fixtures::mock::client::Client;
use fixtures::mock::model::{Kind, Pet};
use fixtures::mock::operations::*;
use serde_json::json;

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, fixtures::mock::mock::router()).await.unwrap() });
    format!("http://{address}")
}

fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[tokio::test]
async fn every_operation_answers_its_documented_example() {
    let base = serve().await;
    let client = Client::new(base.clone());

    // The response's own example wins over the item schema's.
    let ListPetsResponse::Ok(pets) = client.list_pets().await.unwrap();
    assert_eq!(
        to_json(&pets),
        json!([{"id": 1, "name": "Rex", "kind": "dog"}, {"id": 2, "name": "Tom", "kind": "cat"}])
    );

    // 400 is listed first, but the first 2xx is answered, with the named schema's example.
    let pet = Pet { id: 9, name: "Ann".to_owned(), kind: Kind::Dog };
    let created = client.create_pet(&pet).await.unwrap();
    let expected = Pet { id: 3, name: "Felix".to_owned(), kind: Kind::Cat };
    assert_eq!(created, CreatePetResponse::Created(expected));

    // An inline schema's example.
    let GetPetResponse::Ok(found) = client.get_pet(7).await.unwrap() else {
        panic!("getPet answers 200");
    };
    assert_eq!(to_json(&found), json!({"id": 7, "nickname": "Rexy"}));

    assert_eq!(client.delete_pet(7).await.unwrap(), DeletePetResponse::NoContent);

    // A text body without a kept example is built.
    assert_eq!(client.get_status().await.unwrap(), GetStatusResponse::Ok("string".to_owned()));

    // A recursive schema, built: required fields everywhere, optional ones near the top, one
    // item per array, bounded; required headers get a value, optional ones none.
    let GetTreeResponse::Ok { body, headers } = client.get_tree().await.unwrap();
    assert_eq!(headers, GetTreeOkHeaders { x_rate_limit: 0, x_trace: None });
    let leaf = json!({"label": "string", "children": []});
    let deep = json!({"label": "string", "children": [], "parent": leaf});
    assert_eq!(
        to_json(&body),
        json!({
            "label": "string",
            "children": [deep],
            "parent": {"label": "string", "children": [leaf], "parent": {"label": "string", "children": [], "parent": leaf}},
        })
    );

    // A `2XX` range is answered as 200; formats, enums, maps and a tagged union are built.
    let report = client.get_report().await.unwrap();
    let GetReportResponse::Status2xx { status, body } = report else {
        panic!("getReport answers its 2XX response: {report:?}");
    };
    assert_eq!(status, 200);
    assert_eq!(
        to_json(&body),
        json!({
            "id": "00000000-0000-4000-8000-000000000000",
            "at": "2020-01-01T00:00:00Z",
            "day": "2020-01-01",
            "ratio": 0.0,
            "ok": false,
            "kind": "dog",
            "tags": {"key": 0},
            "shape": {"type": "Circle", "radius": 0.0},
        })
    );
}

#[tokio::test]
async fn answers_carry_the_documented_content_type_after_the_routers_checks() {
    let base = serve().await;
    let http = reqwest::Client::new();
    let text = http.get(format!("{base}/status")).send().await.unwrap();
    assert_eq!(text.status(), 200);
    assert!(text.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let json = http.get(format!("{base}/pets")).send().await.unwrap();
    assert!(json.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    // The router's own validation runs first: a bad path parameter never reaches the mock. The
    // operation documents only `404` among the 4xx, so the refusal answers as its `404` (a
    // bodiless response, as documented).
    let bad = http.get(format!("{base}/pets/not-a-number")).send().await.unwrap();
    assert_eq!(bad.status(), 404);
    assert!(bad.headers().get("content-type").is_none());
    // A request without its required body is refused too.
    let missing = http.post(format!("{base}/pets")).send().await.unwrap();
    assert!(missing.status().is_client_error());
}
