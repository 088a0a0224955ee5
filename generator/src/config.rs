//! `Config`: what to generate and how to lay it out; built with `&mut Self` setters.

/// Options for one run of the generator.
///
/// ```
/// let mut config = openapi_gen::Config::default();
/// config.spec_label("specs/coveo/openapi.yaml").client(true).server(false);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    pub(crate) spec_label: String,
    pub(crate) client: bool,
    pub(crate) server: bool,
    pub(crate) layout: Layout,
    pub(crate) deny_warnings: bool,
    pub(crate) allow_external_refs_outside: bool,
    pub(crate) example_tests: bool,
    /// Examples known not to fit their schema (JSON pointer -> why), checked to still fail.
    pub(crate) known_bad_examples: std::collections::BTreeMap<String, String>,
    pub(crate) runtime_version: Option<String>,
    pub(crate) model_serde: ModelSerde,
    pub(crate) mock: bool,
    /// The spec a build script generates from ([`Config::spec`]).
    pub(crate) spec: Option<std::path::PathBuf>,
    /// Pagination rules by operationId, over the description's `x-pagination` and detection.
    pub(crate) pagination: std::collections::BTreeMap<String, serde_json::Value>,
}

/// How the models' serde impls are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ModelSerde {
    /// One line per struct, `rt::object!(...)`, expanded by the runtime's macro: the fastest
    /// `cargo check` (the default).
    #[default]
    Runtime,
    /// `#[derive(Serialize, Deserialize)]` with serde attributes on every struct: the same wire
    /// contract, several times the check time. For users who want plain serde derives.
    Derive,
}

/// Where the emitted files go.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// A module directory (`mod.rs`, `model.rs`, ...) to mount inside an existing crate.
    /// Client and server are behind the host crate's `client` / `server` features.
    Module,
    /// A standalone crate (`Cargo.toml`, `src/lib.rs`, ...) with `client`, `server` and
    /// per-tag (`tag-<name>`) features.
    Crate { name: String },
    /// One file, `<module>.rs`, holding `pub mod <module> { ... }` with every other file as an
    /// inline module: what a build script writes into `OUT_DIR` for an `include!`. As with
    /// `Module`, client and server are behind the host crate's `client` / `server` features.
    SingleFile { module: String },
}

impl Default for Config {
    fn default() -> Self {
        Self {
            spec_label: "openapi.yaml".to_owned(),
            client: true,
            server: true,
            layout: Layout::Module,
            deny_warnings: false,
            allow_external_refs_outside: false,
            example_tests: false,
            known_bad_examples: Default::default(),
            runtime_version: None,
            model_serde: ModelSerde::Runtime,
            mock: false,
            spec: None,
            pagination: Default::default(),
        }
    }
}

impl Config {
    /// The default configuration (`Config::default()`), for chaining in a build script:
    /// `Config::new().spec("api.yaml").generate_to_out_dir()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The spec a build script generates from (see [`Config::generate_to_out_dir`]); a path
    /// relative to the build script's directory (the package root). Also its label, unless
    /// [`Config::spec_label`] was set.
    pub fn spec(&mut self, path: impl Into<std::path::PathBuf>) -> &mut Self {
        let path = path.into();
        if self.spec_label == Self::default().spec_label {
            self.spec_label = path.to_string_lossy().replace('\\', "/");
        }
        self.spec = Some(path);
        self
    }

    /// How the spec is named in diagnostics and in the `@generated` header (a path relative to the
    /// workspace keeps output identical across machines).
    pub fn spec_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.spec_label = label.into();
        self
    }

    /// How the models' serde impls are written (default: [`ModelSerde::Runtime`]).
    pub fn model_serde(&mut self, serde: ModelSerde) -> &mut Self {
        self.model_serde = serde;
        self
    }

    /// Emit the reqwest client (default: on).
    pub fn client(&mut self, on: bool) -> &mut Self {
        self.client = on;
        self
    }

    /// Emit the axum server (default: on).
    pub fn server(&mut self, on: bool) -> &mut Self {
        self.server = on;
        self
    }

    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.layout = layout;
        self
    }

    /// Treat every warning as an error.
    pub fn deny_warnings(&mut self, on: bool) -> &mut Self {
        self.deny_warnings = on;
        self
    }

    /// Emit `example_tests.rs`, a `#[cfg(test)]` module that checks every schema `example` reads
    /// into its generated type and writes back as the same JSON (default: off; emitted only when
    /// the spec has examples).
    pub fn example_tests(&mut self, on: bool) -> &mut Self {
        self.example_tests = on;
        self
    }

    /// Names an example (by the JSON pointer the example tests print) that contradicts its schema
    /// in the spec, with the reason. The example tests then check that it still fails, instead
    /// of requiring it to pass, so an exception is dropped as soon as the spec is fixed.
    pub fn known_bad_example(
        &mut self,
        pointer: impl Into<String>,
        reason: impl Into<String>,
    ) -> &mut Self {
        self.known_bad_examples
            .insert(pointer.into(), reason.into());
        self
    }

    /// Let external `$ref`s reach files outside the spec's directory tree (default: refused).
    pub fn allow_external_refs_outside(&mut self, on: bool) -> &mut Self {
        self.allow_external_refs_outside = on;
        self
    }

    /// For a standalone crate: depend on the runtime crate from crates.io at this version
    /// requirement (`"0.1"`) instead of a copy written beside the crate (`runtime/`, the
    /// default, for machines that only reach crates.io while the runtime is unpublished).
    pub fn runtime_version(&mut self, version: Option<String>) -> &mut Self {
        self.runtime_version = version;
        self
    }

    /// Also emit `mock.rs` (with the server): `Mock`, an implementation of the server's `Api`
    /// that answers each operation with its documented example (default: off).
    pub fn mock(&mut self, on: bool) -> &mut Self {
        self.mock = on;
        self
    }

    /// How operation `operation_id` pages, in the shape of the `x-pagination` extension (README,
    /// "Pagination"), for when detection guesses wrong and the description cannot be changed:
    /// `{"style": "cursor", "param": "after", "items": "data", "next": "last_id"}`, or
    /// `{"style": "none"}` to turn it off. It wins over the description's extension.
    pub fn pagination(&mut self, operation_id: &str, rule: serde_json::Value) -> &mut Self {
        self.pagination.insert(operation_id.to_owned(), rule);
        self
    }
}
