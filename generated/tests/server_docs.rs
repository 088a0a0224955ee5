//! The `docs` feature: the router serves the description it was generated from (bundled into one
//! document, as JSON) at a path of the user's choosing, and a Swagger UI page for it.

#[allow(dead_code)]
mod support;

use std::sync::Arc;

use generated::coveo::operations::{
    CreateOrganizationResponse, DeleteOrganizationResponse, ListOrganizationsResponse,
};
use generated::coveo::server::{
    router, router_with_config, Api, CreateOrganizationInput, DeleteOrganizationInput,
    ListOrganizationsInput, ServerConfig,
};

struct Empty;

impl Api for Empty {
    async fn create_organization(
        self: Arc<Self>,
        _: CreateOrganizationInput,
    ) -> CreateOrganizationResponse {
        unreachable!()
    }
    async fn delete_organization(
        self: Arc<Self>,
        _: DeleteOrganizationInput,
    ) -> DeleteOrganizationResponse {
        DeleteOrganizationResponse::NoContent
    }
    async fn list_organizations(
        self: Arc<Self>,
        _: ListOrganizationsInput,
    ) -> ListOrganizationsResponse {
        ListOrganizationsResponse::Ok(Vec::new())
    }
}

async fn get(url: String) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

#[tokio::test]
async fn the_description_is_served_byte_for_byte_as_bundled() {
    let address = support::serve(router(Empty)).await;
    let served = get(format!("http://{address}/openapi.json")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/json");
    let text = served.text().await.unwrap();
    // The file the generator wrote beside `server.rs` (`cargo xtask generate --check` holds it to
    // the bundled input), embedded as it is.
    assert_eq!(text, include_str!("../src/coveo/openapi.json"));
    assert_eq!(text, generated::coveo::server::DESCRIPTION);
    let description: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(description["openapi"], "3.0.3");
    let mut ids: Vec<&str> = description["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "createOrganization",
            "deleteOrganization",
            "listOrganizations"
        ]
    );
    // The operations are still served beside it.
    assert_eq!(
        reqwest::Client::new()
            .get(format!("http://{address}/rest/organizations"))
            .bearer_auth("a")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn a_swagger_2_description_stays_one() {
    // What the input said, not the 3.0 model the generator read it into.
    let description: serde_json::Value =
        serde_json::from_str(generated::coveo_swagger2::server::DESCRIPTION).unwrap();
    assert_eq!(description["swagger"], "2.0");
    assert!(description.get("openapi").is_none());
    let qovery: serde_json::Value =
        serde_json::from_str(generated::qovery::server::DESCRIPTION).unwrap();
    assert!(qovery["paths"]["/organization"]["post"].is_object());
}

#[tokio::test]
async fn the_docs_page_loads_swagger_ui_for_the_description() {
    let address = support::serve(router(Empty)).await;
    let page = get(format!("http://{address}/docs")).await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("/docs/assets/swagger-ui-bundle.js"), "{html}");
    assert!(html.contains(r#"fetch("/openapi.json")"#), "{html}");
    assert!(html.contains("<title>Coveo Platform API — Organizations</title>"));
    let script = get(format!("http://{address}/docs/assets/swagger-ui-bundle.js")).await;
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().contains("SwaggerUIBundle"));
    assert_eq!(
        get(format!("http://{address}/docs/assets/swagger-ui.css"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_paths_are_the_users_choice_and_docs_can_be_off() {
    let config = ServerConfig::default()
        .description_path("/api/spec.json")
        .docs_path("/api/docs");
    let address = support::serve(router_with_config(Empty, config)).await;
    let spec = get(format!("http://{address}/api/spec.json")).await;
    assert_eq!(spec.status(), 200);
    assert_eq!(
        spec.text().await.unwrap(),
        generated::coveo::server::DESCRIPTION
    );
    let html = get(format!("http://{address}/api/docs"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"fetch("/api/spec.json")"#), "{html}");
    assert_eq!(
        get(format!("http://{address}/openapi.json")).await.status(),
        404
    );
    assert_eq!(get(format!("http://{address}/docs")).await.status(), 404);

    let off = support::serve(router_with_config(
        Empty,
        ServerConfig::default().without_docs(),
    ))
    .await;
    assert_eq!(
        get(format!("http://{off}/openapi.json")).await.status(),
        404
    );
    assert_eq!(get(format!("http://{off}/docs")).await.status(), 404);
}
