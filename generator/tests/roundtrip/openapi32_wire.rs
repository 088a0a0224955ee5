//! OpenAPI 3.2 over loopback HTTP: the `QUERY` method and an `additionalOperations` method
//! (`PURGE`) reach their handlers, a `querystring` parameter crosses as the whole query string,
//! a callback's client sends to the URL it is given while its server receives it, and a
//! stream described by `itemSchema` arrives as events typed through `contentSchema`, or as JSON
//! Lines when the request's `Accept` asks for them.

mod support;

use std::sync::{Arc, Mutex};

use support::serve;

use fixtures::openapi32::callbacks;
use fixtures::openapi32::client::{Client, PurgeItemsOptions};
use fixtures::openapi32::model::{Criteria, Event, Filter, Item};
use fixtures::openapi32::operations::*;
use fixtures::openapi32::server::*;

struct Items;

fn item(id: i64, name: &str) -> Item {
    Item {
        id,
        name: Some(name.to_owned()),
    }
}

impl Api for Items {
    async fn find_items(self: Arc<Self>, input: FindItemsInput) -> FindItemsResponse {
        let all = [item(1, "wool"), item(2, "silk")];
        let wanted = input.body.name;
        FindItemsResponse::Ok(
            all.into_iter()
                .filter(|i| wanted.is_none() || i.name == wanted)
                .collect(),
        )
    }
    async fn list_items(self: Arc<Self>, _: ListItemsInput) -> ListItemsResponse {
        ListItemsResponse::Ok(vec![item(1, "wool")])
    }
    async fn purge_items(self: Arc<Self>, input: PurgeItemsInput) -> PurgeItemsResponse {
        PurgeItemsResponse::Ok(input.older_than.unwrap_or(0) * 2)
    }
    async fn search(self: Arc<Self>, input: SearchInput) -> SearchResponse {
        SearchResponse::Ok(input.criteria)
    }
    async fn send_batch(self: Arc<Self>, _: SendBatchInput) -> SendBatchResponse {
        SendBatchResponse::NoContent
    }
    async fn stream_events(self: Arc<Self>, input: StreamEventsInput) -> StreamEventsResponse {
        let events = vec![
            Event {
                kind: "created".to_owned(),
            },
            Event {
                kind: "deleted".to_owned(),
            },
        ];
        let lines = openapi_gen_runtime::server::prefers(
            input.accept.as_deref(),
            "application/jsonl",
            "text/event-stream",
        );
        if lines {
            StreamEventsResponse::OkLines(JsonLines::from_items(events))
        } else {
            StreamEventsResponse::Ok(EventStream::from_items(events))
        }
    }
    async fn subscribe(self: Arc<Self>, _: SubscribeInput) -> SubscribeResponse {
        SubscribeResponse::Created
    }
}

#[tokio::test]
async fn query_and_other_methods_reach_their_handlers() {
    let base = serve(router(Items)).await;
    let client = Client::new(base.clone());
    let filter = Filter {
        name: Some("silk".to_owned()),
    };
    let FindItemsResponse::Ok(found) = client.find_items(&filter).await.unwrap();
    assert_eq!(found, vec![item(2, "silk")]);
    let options = PurgeItemsOptions {
        older_than: Some(21),
    };
    let PurgeItemsResponse::Ok(purged) = client.purge_items(&options).await.unwrap();
    assert_eq!(purged, 42);
    // GET on the same path is still routed, and a method the path does not define is a 405.
    let ListItemsResponse::Ok(listed) = client.list_items().await.unwrap();
    assert_eq!(listed.len(), 1);
    let other = reqwest::Method::from_bytes(b"COPY").unwrap();
    let refused = reqwest::Client::new()
        .request(other, format!("{base}/items"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 405);
    // QUERY as another client sends it.
    let raw = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(b"QUERY").unwrap(),
            format!("{base}/items"),
        )
        .header("content-type", "application/json")
        .body(r#"{"name":"wool"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.text().await.unwrap(), r#"[{"id":1,"name":"wool"}]"#);
}

#[tokio::test]
async fn a_querystring_parameter_is_the_whole_query_string() {
    let base = serve(router(Items)).await;
    let criteria = Criteria {
        q: "wool & silk".to_owned(),
        limit: Some(10),
    };
    let SearchResponse::Ok(read) = Client::new(base.clone()).search(&criteria).await.unwrap();
    assert_eq!(read, criteria);
    let text = reqwest::get(format!("{base}/search?q=wool&limit=3"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, r#"{"q":"wool","limit":3}"#);
    // A required querystring that is absent, or that does not read as the type, is a 400.
    for query in ["", "?limit=3", "?q=a&limit=x"] {
        let answer = reqwest::get(format!("{base}/search{query}")).await.unwrap();
        assert_eq!(answer.status(), 400, "{query}");
    }
}

#[derive(Default)]
struct Receiver(Mutex<Vec<Event>>);

impl callbacks::server::Api for Receiver {
    async fn subscribe_on_data(
        self: Arc<Self>,
        input: callbacks::server::SubscribeOnDataInput,
    ) -> callbacks::operations::SubscribeOnDataResponse {
        self.0.lock().unwrap().push(input.body);
        callbacks::operations::SubscribeOnDataResponse::NoContent
    }
}

#[tokio::test]
async fn a_callback_is_sent_to_the_url_it_is_given() {
    let receiver = Arc::new(Receiver::default());
    let shared = ReceiverRef(receiver.clone());
    let base = serve(callbacks::server::router(shared)).await;
    // The URL a subscriber would give: the receiver's route for the callback.
    let sender = callbacks::client::Client::new(format!("{base}/onData"));
    let event = Event {
        kind: "created".to_owned(),
    };
    let answer = sender.subscribe_on_data(&event).await.unwrap();
    assert_eq!(
        answer,
        callbacks::operations::SubscribeOnDataResponse::NoContent
    );
    assert_eq!(*receiver.0.lock().unwrap(), vec![event]);
}

/// The receiver the router owns, sharing its record with the test.
struct ReceiverRef(Arc<Receiver>);

impl callbacks::server::Api for ReceiverRef {
    async fn subscribe_on_data(
        self: Arc<Self>,
        input: callbacks::server::SubscribeOnDataInput,
    ) -> callbacks::operations::SubscribeOnDataResponse {
        callbacks::server::Api::subscribe_on_data(self.0.clone(), input).await
    }
}

#[tokio::test]
async fn item_schemas_type_events_and_lines() {
    let base = serve(router(Items)).await;
    let StreamEventsResponse::Ok(events) = Client::new(base.clone()).stream_events().await.unwrap()
    else {
        panic!("events by default");
    };
    let kinds: Vec<String> = events
        .collect()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["created", "deleted"]);

    // Asked for JSON Lines, the server sends them, and the client reads them by `Content-Type`.
    let client = Client::new(base.clone());
    let StreamEventsResponse::OkLines(lines) = client
        .stream_events_accepting("application/jsonl")
        .await
        .unwrap()
    else {
        panic!("lines");
    };
    assert_eq!(lines.collect().await.unwrap().len(), 2);
    let response = reqwest::Client::new()
        .get(format!("{base}/events"))
        .header("accept", "application/jsonl")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/jsonl");
    assert_eq!(
        response.text().await.unwrap(),
        "{\"kind\":\"created\"}\n{\"kind\":\"deleted\"}\n"
    );
}
