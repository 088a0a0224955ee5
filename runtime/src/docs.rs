//! The `docs` feature: serves an API's own description as JSON and a Swagger UI page for it, whose
//! JavaScript and CSS the `swagger-ui-dist` crate ships (no asset is kept in this crate).

use axum::http::header::CONTENT_TYPE;
use axum::response::Html;

use crate::server::ServerConfig;

/// Where the page's assets are served, under the page's path.
const ASSETS: &str = "assets";

/// The routes of the description and the page; none without a description or a path.
pub(crate) fn routes(config: &ServerConfig) -> axum::Router {
    let mut router = axum::Router::new();
    let (Some((description, title)), Some(path)) = (config.description, &config.description_path) else {
        return router;
    };
    router = router.route(path, axum::routing::get(move || async move { ([(CONTENT_TYPE, "application/json")], description) }));
    if let Some(page) = &config.docs_path {
        let page = page.trim_end_matches('/');
        let assets = format!("{page}/{ASSETS}");
        // The crate's routes serve the assets (and a page of its own under them, unused).
        router = router.merge(swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
            uri_prefix: assets.clone(),
            api_definition: swagger_ui_dist::OpenApiSource::Uri(path.clone()),
            title: Some(title.to_owned()),
        }));
        let html = Html(page_html(title, path, &assets));
        let at = if page.is_empty() { "/" } else { page };
        router = router.route(at, axum::routing::get(move || std::future::ready(html.clone())));
    }
    router
}

/// The Swagger UI page. "Try it out" sends its requests to this server: the page reads the
/// description and puts this server's origin first among its `servers` (a Swagger 2.0
/// description gets this `host`), since the router serves every path at its root. The served
/// description itself is never changed.
fn page_html(title: &str, description: &str, assets: &str) -> String {
    let title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    // JSON strings are JavaScript strings; `<` escaped so that no text can close the script.
    let js = |text: &str| serde_json::Value::from(text).to_string().replace('<', "\\u003c");
    let (url, assets_js) = (js(description), js(assets));
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
fetch({url}).then(function (response) {{ return response.json(); }}).then(function (spec) {{
  var here = window.location.origin;
  if (spec.swagger) {{
    spec.host = window.location.host;
    spec.schemes = [window.location.protocol.replace(":", "")];
    spec.basePath = "/";
  }} else {{
    spec.servers = [{{ url: here, description: "This server" }}].concat(spec.servers || []);
  }}
  window.ui = SwaggerUIBundle({{
    spec: spec,
    dom_id: "#swagger-ui",
    oauth2RedirectUrl: here + {assets_js} + "/oauth2-redirect.html",
  }});
}});
</script>
</body>
</html>
"##,
        assets = assets.replace('"', "%22"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_what_it_is_given() {
        let html = page_html("<b>\"A&B\"</b>", "/x</script>.json", "/docs/assets");
        assert!(html.contains("<title>&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</title>"));
        assert!(html.contains(r#"fetch("/x\u003c/script>.json")"#));
        assert!(html.contains(r#"<script src="/docs/assets/swagger-ui-bundle.js">"#));
    }
}
