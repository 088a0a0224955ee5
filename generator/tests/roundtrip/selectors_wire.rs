//! The `selectors` fixture's client and server over loopback HTTP: operations told apart on one
//! path and method by a parameter after `#` (`/#Action=...` in the query, `/#X-Amz-Target=...` as
//! a header, a selector by name alone) each reach their own method, including those whose
//! description does not declare the selector's parameter (the client sends it from the path);
//! a request that selects none is refused in the first operation's documented shape.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use support::serve;

use fixtures::selectors::client::Client;
use fixtures::selectors::model::{CreateThingXAmzTarget, DeleteThingAction, DescribeThingAction, Failure, Thing};
use fixtures::selectors::operations::*;
use fixtures::selectors::server::*;

struct Things;

fn thing(name: &str) -> Thing {
    Thing { name: name.to_owned() }
}

impl Api for Things {
    async fn describe_thing(self: Arc<Self>, input: DescribeThingInput) -> DescribeThingResponse {
        match input.name.as_str() {
            "missing" => DescribeThingResponse::Status480(Failure { message: "no such thing".to_owned() }),
            name => DescribeThingResponse::Ok(thing(&format!("described {name}"))),
        }
    }

    async fn delete_thing(self: Arc<Self>, input: DeleteThingInput) -> DeleteThingResponse {
        assert_eq!(input.name, "old");
        DeleteThingResponse::NoContent
    }

    async fn count_things(self: Arc<Self>, _input: CountThingsInput) -> CountThingsResponse {
        CountThingsResponse::Ok(3)
    }

    async fn create_thing(self: Arc<Self>, input: CreateThingInput) -> CreateThingResponse {
        CreateThingResponse::Ok(thing(&format!("created {}", input.body.name)))
    }

    async fn list_things(self: Arc<Self>, _input: ListThingsInput) -> ListThingsResponse {
        ListThingsResponse::Ok(vec![thing("listed")])
    }

    async fn get_account_as(self: Arc<Self>, input: GetAccountAsInput) -> GetAccountAsResponse {
        GetAccountAsResponse::Ok(format!("{} as {}", input.id, input.x_account_id))
    }

    async fn get_account(self: Arc<Self>, input: GetAccountInput) -> GetAccountResponse {
        GetAccountResponse::Ok(input.id)
    }
}

#[tokio::test]
async fn each_selected_operation_reaches_its_own_method() {
    let base = serve(router(Things)).await;
    let client = Client::new(&base);
    assert_eq!(
        client.describe_thing(&DescribeThingAction::DescribeThing, "a").await.unwrap(),
        DescribeThingResponse::Ok(thing("described a"))
    );
    assert_eq!(
        client.describe_thing(&DescribeThingAction::DescribeThing, "missing").await.unwrap(),
        DescribeThingResponse::Status480(Failure { message: "no such thing".to_owned() })
    );
    assert_eq!(client.delete_thing(&DeleteThingAction::DeleteThing, "old").await.unwrap(), DeleteThingResponse::NoContent);
    assert_eq!(
        client.create_thing(&CreateThingXAmzTarget::ThingsCreateThing, &thing("b")).await.unwrap(),
        CreateThingResponse::Ok(thing("created b"))
    );
    // Selectors the description does not declare as parameters: sent from the path.
    assert_eq!(client.count_things().await.unwrap(), CountThingsResponse::Ok(3));
    assert_eq!(client.list_things(&BTreeMap::new()).await.unwrap(), ListThingsResponse::Ok(vec![thing("listed")]));
    // A selector by name alone: its header picks the operation, its absence the other one.
    assert_eq!(client.get_account_as("a1", "a2").await.unwrap(), GetAccountAsResponse::Ok("a1 as a2".to_owned()));
    assert_eq!(client.get_account("a1").await.unwrap(), GetAccountResponse::Ok("a1".to_owned()));
}

#[tokio::test]
async fn a_request_that_selects_no_operation_is_refused_as_documented() {
    let base = serve(router(Things)).await;
    let http = reqwest::Client::new();
    // Another `Action`: none of the path's operations; the first one's documented 4xx answers.
    let response = http.get(format!("{base}/?Action=Unknown&Name=a")).send().await.unwrap();
    assert_eq!(response.status(), 480);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().is_some_and(|m| m.contains("Action")), "{body}");
    // The selector's value travels as sent: the query form and the header form both select.
    let response = http.get(format!("{base}/?Action=DescribeThing&Name=q")).send().await.unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["name"], "described q");
    let response = http.post(format!("{base}/")).header("X-Amz-Target", "Things.ListThings").json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()[0]["name"], "listed");
}
