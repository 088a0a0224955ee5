//! The `openapi31` fixture: what 3.1 schemas become on the wire (`type: [T, "null"]` and a
//! `null` member of a union are three-state, `const` is a one-value enum, a type list is an
//! untagged union), and its webhooks as a client and a receiver over loopback HTTP.

mod support;

use std::sync::{Arc, Mutex};

use support::serve;

use fixtures::openapi31::model::{Created, Event, Pet, PetCode, PetKind};
use fixtures::openapi31::webhooks::{client::Client, operations::*, server::*};
use serde_json::json;

#[test]
fn null_absent_and_value_stay_apart() {
    let text = json!({"id": 7, "kind": "pet", "name": "Rex", "nickname": null, "owner": null, "tag": "t", "code": 3});
    let pet: Pet = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(pet.nickname, Some(None));
    assert_eq!(pet.owner, Some(None));
    assert_eq!(pet.tag, Some(Some("t".to_owned())));
    assert_eq!(pet.previous, None);
    assert_eq!(pet.kind, PetKind::Pet);
    assert_eq!(pet.code, Some(PetCode::Integer(3)));
    assert_eq!(serde_json::to_value(&pet).unwrap(), text);
    let named: Pet = serde_json::from_value(json!({"id": 1, "kind": "pet", "name": "a", "code": "x"})).unwrap();
    assert_eq!(named.code, Some(PetCode::String("x".to_owned())));
    assert_eq!(named.nickname, None);
}

#[test]
fn a_tag_pinned_by_the_variant_selects_it() {
    let text = json!({"type": "created", "id": 1});
    let event: Event = serde_json::from_value(text.clone()).unwrap();
    assert!(matches!(&event, Event::Created(Created { id: Some(1), .. })), "{event:?}");
    assert_eq!(serde_json::to_value(&event).unwrap(), text);
    let deleted: Event = serde_json::from_value(json!({"type": "deleted"})).unwrap();
    assert!(matches!(deleted, Event::Deleted(_)), "{deleted:?}");
    assert!(serde_json::from_value::<Event>(json!({"type": "Created"})).is_err());
    let pet: Pet = serde_json::from_value(json!({"id": 1, "kind": "pet", "name": "a", "nothing": null})).unwrap();
    assert_eq!(pet.nothing, Some(None));
}

struct Receiver {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Api for Receiver {
    async fn new_pet_hook(self: Arc<Self>, input: NewPetHookInput) -> NewPetHookResponse {
        self.seen.lock().unwrap().push(input.body.name);
        NewPetHookResponse::Ok
    }

    async fn pet_gone_hook(self: Arc<Self>, input: PetGoneHookInput) -> PetGoneHookResponse {
        let id = input.body.and_then(|b| b.id).unwrap_or_default();
        self.seen.lock().unwrap().push(format!("gone {id}"));
        PetGoneHookResponse::NoContent
    }
}

#[tokio::test]
async fn webhooks_are_sent_and_received() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let receiver = Receiver { seen: Arc::clone(&seen) };
    let client = Client::new(serve(router(receiver)).await);
    let pet: Pet = serde_json::from_value(json!({"id": 7, "kind": "pet", "name": "Rex"})).unwrap();
    assert_eq!(client.new_pet_hook(&pet).await.unwrap(), NewPetHookResponse::Ok);
    let gone = fixtures::openapi31::model::PetGoneHookBody { id: Some(7) };
    assert_eq!(client.pet_gone_hook(Some(&gone)).await.unwrap(), PetGoneHookResponse::NoContent);
    assert_eq!(*seen.lock().unwrap(), ["Rex", "gone 7"]);
}
