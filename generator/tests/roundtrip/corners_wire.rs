//! Operation-level corner cases over loopback HTTP: a path template naming one variable twice,
//! paths differing only in their variables' names, security requirements naming undefined
//! schemes, and operation names that had to yield.

mod support;

use std::sync::Arc;

use support::serve;

use fixtures::path_templates::model::GetAnythingByIdByActionByIdOkBody;
use fixtures::path_templates::operations::*;
use fixtures::path_templates::{client, server};
use fixtures::security;

struct Echo;

impl server::Api for Echo {
    async fn get_anything_by_id_by_action_by_id(
        self: Arc<Self>,
        input: server::GetAnythingByIdByActionByIdInput,
    ) -> GetAnythingByIdByActionByIdResponse {
        GetAnythingByIdByActionByIdResponse::Ok(GetAnythingByIdByActionByIdOkBody {
            id: input.id,
            action: input.action,
        })
    }

    async fn get_anything_again(
        self: Arc<Self>,
        _: server::GetAnythingAgainInput,
    ) -> GetAnythingAgainResponse {
        unreachable!("the router leaves this operation out")
    }

    async fn get_file(self: Arc<Self>, _: server::GetFileInput) -> GetFileResponse {
        unreachable!("the router cannot match this path")
    }

    async fn post_anything(
        self: Arc<Self>,
        input: server::PostAnythingInput,
    ) -> PostAnythingResponse {
        PostAnythingResponse::Ok(vec![input.key.to_string(), input.verb, input.rest])
    }
}

#[tokio::test]
async fn a_variable_named_twice_in_a_path_is_one_parameter() {
    let base = serve(server::router(Echo)).await;
    let client = client::Client::new(&base);
    // One argument, filled at both places.
    let answer = client.get_anything_by_id_by_action_by_id("a b", "go").await.unwrap();
    let expected = GetAnythingByIdByActionByIdOkBody { id: "a b".to_owned(), action: "go".to_owned() };
    assert_eq!(answer, GetAnythingByIdByActionByIdResponse::Ok(expected));
    // The server reads it once, and refuses two different values with a 400 naming it.
    let raw = reqwest::get(format!("{base}/anything/1/go/2")).await.unwrap();
    assert_eq!(raw.status(), 400);
    assert!(raw.text().await.unwrap().contains("path.id"));
    let same = reqwest::get(format!("{base}/anything/1/go/1")).await.unwrap();
    assert_eq!(same.status(), 200);
    // A path that differs only in its variables' names shares the route, each operation
    // reading the values by place.
    let other = client.post_anything(7, "run", "x").await.unwrap();
    assert_eq!(other, PostAnythingResponse::Ok(vec!["7".to_owned(), "run".to_owned(), "x".to_owned()]));
    // Operations the router cannot serve are left out of it (the generator warns), rather than
    // making `router` panic; the client still calls them.
    let unserved = client.get_file("x").await.unwrap_err();
    assert_eq!(unserved.status().map(|s| s.as_u16()), Some(404));
    let raw = unserved.response().unwrap();
    assert!(String::from_utf8_lossy(&raw.body).contains("no operation"));
}

struct Open;

impl security::server::Api for Open {
    async fn global(
        self: Arc<Self>,
        _: security::server::GlobalInput,
    ) -> security::operations::GlobalResponse {
        security::operations::GlobalResponse::Ok
    }

    async fn mixed(
        self: Arc<Self>,
        input: security::server::MixedInput,
    ) -> security::operations::MixedResponse {
        assert!(input.credentials.bearer.is_some());
        security::operations::MixedResponse::Ok
    }

    async fn none_left(
        self: Arc<Self>,
        _: security::server::NoneLeftInput,
    ) -> security::operations::NoneLeftResponse {
        security::operations::NoneLeftResponse::Ok
    }
}

#[tokio::test]
async fn requirements_naming_undefined_schemes_are_dropped() {
    let base = serve(security::server::router(Open)).await;
    let anonymous = security::client::Client::new(&base);
    // Every alternative dropped: no authentication.
    assert!(anonymous.none_left().await.is_ok());
    assert!(anonymous.global().await.is_ok());
    // The defined alternative still applies.
    let refused = anonymous.mixed().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
    let bearer = security::client::Client::new(&base).with_bearer("t");
    assert!(bearer.mixed().await.is_ok());
}

/// Explicit operationIds keep their names; synthesized ones yield with a suffix.
#[test]
fn operation_names_are_stable() {
    use fixtures::operation_ids::client::Client;
    let _ = Client::get_things;
    let _ = Client::get_things2;
    let _ = Client::get_things_3;
    let _ = Client::get_thing;
    let _ = Client::get_thing_2;
    let _ = Client::get_a_by_b;
    let _ = Client::get_a_by_b_2;
}
