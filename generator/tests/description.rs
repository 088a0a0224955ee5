//! The description a generated server embeds for its `docs` feature (`openapi.json` beside
//! `server.rs`): the input as given, bundled into one document, as JSON; byte for byte the input
//! when it is one JSON file.

use std::path::{Path, PathBuf};

use openapi_gen::{generate, Config, Layout};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The description file `config` produces for `spec`, if any.
fn description(config: &Config, spec: &Path) -> Option<(String, String)> {
    let output = generate(config, spec).unwrap_or_else(|d| panic!("{d}"));
    output
        .files
        .into_iter()
        .find(|f| f.path.ends_with("openapi.json"))
        .map(|f| (f.path, f.contents))
}

/// Every `$ref` in a JSON tree.
fn refs(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", serde_json::Value::String(target)) => found.push(target.clone()),
                    _ => refs(value, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
        _ => {}
    }
}

#[test]
fn a_yaml_description_is_its_tree_as_json() {
    let spec = workspace_root().join("specs/coveo/openapi.yaml");
    let (path, json) = description(&Config::default(), &spec).expect("a server is described");
    assert_eq!(path, "openapi.json");
    let yaml: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
    let served: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(served, yaml);
    // In the input's order, compactly.
    assert!(json.starts_with(r#"{"openapi":"3.0.3","info":{"title":"#));
    // And what the workspace crate embeds (the drift check holds the rest).
    let committed =
        std::fs::read_to_string(workspace_root().join("generated/src/coveo/openapi.json")).unwrap();
    assert_eq!(committed, json);
}

#[test]
fn a_json_description_that_bundles_nothing_is_the_input_byte_for_byte() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("description");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("openapi.json");
    // Spacing, key order and escapes that a re-serialization would change.
    let text = "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"version\": \"1\", \"title\": \"T\\u00e9\"},\n  \"paths\": {\"/a\": {\"get\": {\"operationId\": \"a\", \"responses\": {\"204\": {\"description\": \"none\"}}}}}\n}\n";
    std::fs::write(&spec, text).unwrap();
    let (_, json) = description(&Config::default(), &spec).unwrap();
    assert_eq!(json, text);
}

#[test]
fn a_multi_file_description_is_the_bundled_one() {
    for fixture in ["external", "split", "swagger2_split"] {
        let root = workspace_root()
            .join("generator/tests/fixtures/valid")
            .join(fixture);
        let spec = root.join("openapi.yaml");
        let (_, json) = description(&Config::default(), &spec).unwrap();
        let bundled: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut found = Vec::new();
        refs(&bundled, &mut found);
        assert!(!found.is_empty(), "{fixture}: references stay references");
        assert!(
            found.iter().all(|target| target.starts_with("#/")),
            "{fixture}: every reference is local once bundled: {found:?}"
        );
        // Not converted: a Swagger 2.0 input stays 2.0.
        assert_eq!(
            bundled.get("swagger").is_some(),
            fixture == "swagger2_split",
            "{fixture}"
        );
    }
}

#[test]
fn only_a_server_with_a_place_beside_it_is_described() {
    let spec = workspace_root().join("specs/coveo/openapi.yaml");
    let mut config = Config::default();
    config.layout(Layout::Crate {
        name: "coveo".to_owned(),
    });
    assert_eq!(description(&config, &spec).unwrap().0, "src/openapi.json");
    let mut config = Config::default();
    config.layout(Layout::SingleFile {
        module: "coveo".to_owned(),
    });
    assert!(description(&config, &spec).is_none());
    let mut config = Config::default();
    config.server(false);
    assert!(description(&config, &spec).is_none());
}
