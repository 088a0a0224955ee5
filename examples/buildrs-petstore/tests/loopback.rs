//! The generated client against the generated server over loopback HTTP, both built from
//! `spec/petstore.yaml` by this crate's build script; and the generated mock.

use std::sync::{Arc, Mutex};

use buildrs_example::petstore::client::{Client, ListPetsOptions};
use buildrs_example::petstore::model::{NewPet, Pet};
use buildrs_example::petstore::operations::*;
use buildrs_example::petstore::server::*;

#[derive(Default)]
struct Store {
    pets: Mutex<Vec<Pet>>,
}

impl Api for Store {
    async fn list_pets(self: Arc<Self>, input: ListPetsInput) -> ListPetsResponse {
        let pets = self.pets.lock().unwrap();
        let limit = input.limit.map_or(pets.len(), |l| l as usize);
        ListPetsResponse::Ok(pets.iter().take(limit).cloned().collect())
    }

    async fn create_pet(self: Arc<Self>, input: CreatePetInput) -> CreatePetResponse {
        let mut pets = self.pets.lock().unwrap();
        let pet = Pet {
            id: pets.len() as i64 + 1,
            name: input.body.name,
            tag: input.body.tag,
        };
        pets.push(pet.clone());
        CreatePetResponse::Created(pet)
    }

    async fn get_pet(self: Arc<Self>, input: GetPetInput) -> GetPetResponse {
        let pets = self.pets.lock().unwrap();
        match pets.iter().find(|p| p.id == input.pet_id) {
            Some(pet) => GetPetResponse::Ok(pet.clone()),
            None => GetPetResponse::NotFound,
        }
    }
}

async fn serve(app: openapi_gen_runtime::server::axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        openapi_gen_runtime::server::axum::serve(listener, app)
            .await
            .unwrap()
    });
    format!("http://{address}")
}

#[tokio::test]
async fn the_generated_client_talks_to_the_generated_server() {
    let client = Client::new(serve(router(Store::default())).await);
    for name in ["Rex", "Tom"] {
        let new = NewPet {
            name: name.to_owned(),
            tag: None,
        };
        let CreatePetResponse::Created(pet) = client.create_pet(&new).await.unwrap();
        assert_eq!(pet.name, name);
    }
    let options = ListPetsOptions { limit: Some(1) };
    let ListPetsResponse::Ok(pets) = client.list_pets(&options).await.unwrap();
    assert_eq!(
        pets,
        vec![Pet {
            id: 1,
            name: "Rex".to_owned(),
            tag: None
        }]
    );
    assert_eq!(
        client.get_pet(2).await.unwrap(),
        GetPetResponse::Ok(Pet {
            id: 2,
            name: "Tom".to_owned(),
            tag: None
        })
    );
    assert_eq!(client.get_pet(3).await.unwrap(), GetPetResponse::NotFound);
}

#[tokio::test]
async fn the_mock_answers_with_the_documented_example() {
    let client = Client::new(serve(buildrs_example::petstore::mock::router()).await);
    let rex = Pet {
        id: 1,
        name: "Rex".to_owned(),
        tag: Some("dog".to_owned()),
    };
    assert_eq!(client.get_pet(5).await.unwrap(), GetPetResponse::Ok(rex));
}
