//! Fuzzing with proptest: mangled specs give diagnostics or code, never a panic or a hang.
//!
//! Seeds are every fixture file (valid and invalid, multi-file ones included). Mutations work on
//! the text (byte flips, cuts, duplicated or deleted lines, inserted tokens) and on the parsed
//! tree (a value replaced by another type, a key deleted, a `$ref` to an odd target, a huge
//! number, deep nesting). `PROPTEST_CASES` sets the number of cases per property (default 256)
//! and `NO_PANIC_SECONDS` bounds each property's run time; `.ci/run` runs a larger bounded batch.
//! A crash found here becomes a file in `fixtures/regressions/` (also a seed), which
//! `regressions_do_not_panic` replays every run.

mod support;
use support::copy_dir;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use openapi_gen::{generate, generate_from, parse_spec, Config};
use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `.yaml`/`.json` file under `dir`, recursively, sorted.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(spec_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            out.push(path);
        }
    }
    out
}

/// Seed texts: every fixture file, read once per test binary.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        spec_files(&fixtures_root())
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    })
}

/// `PROPTEST_CASES`, or `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// When a property stops doing work (`NO_PANIC_SECONDS` after its first case; unbounded by
/// default), so a large `PROPTEST_CASES` still fits a CI time budget.
fn out_of_time(started: &OnceLock<Instant>) -> bool {
    let Some(seconds) = std::env::var("NO_PANIC_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return false;
    };
    started.get_or_init(Instant::now).elapsed() > Duration::from_secs(seconds)
}

/// Runs the whole pipeline on spec text; only a panic fails (errors are fine). With
/// `NO_PANIC_DUMP=<file>`, each case is written there first, so a crash that aborts the process
/// (a stack overflow) leaves its input behind.
fn run_text(text: String) {
    if let Ok(dump) = std::env::var("NO_PANIC_DUMP") {
        std::fs::write(dump, &text).unwrap();
    }
    if let Ok(spec) = parse_spec(text, "mangled.yaml") {
        let _ = generate_from(&Config::default(), &spec);
    }
}

/// One edit to a spec's text.
#[derive(Debug, Clone)]
enum TextEdit {
    FlipBit { at: usize, bit: u8 },
    Truncate { at: usize },
    Cut { at: usize, len: usize },
    DuplicateLine { line: usize },
    DeleteLine { line: usize },
    Insert { at: usize, text: String },
}

fn apply_text(text: &str, edit: &TextEdit) -> String {
    let bytes = text.as_bytes();
    let clamp = |i: usize| i.min(bytes.len());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<u8> = match edit {
        TextEdit::FlipBit { at, bit } => {
            let mut out = bytes.to_vec();
            if let Some(b) = out.get_mut(at % bytes.len().max(1)) {
                *b ^= 1 << (bit % 8);
            }
            out
        }
        TextEdit::Truncate { at } => bytes[..clamp(*at)].to_vec(),
        TextEdit::Cut { at, len } => [&bytes[..clamp(*at)], &bytes[clamp(at + len)..]].concat(),
        TextEdit::DuplicateLine { line } | TextEdit::DeleteLine { line } if lines.is_empty() => {
            let _ = line;
            bytes.to_vec()
        }
        TextEdit::DuplicateLine { line } => {
            let i = line % lines.len();
            let mut out = lines.clone();
            out.insert(i, lines[i]);
            out.concat().into_bytes()
        }
        TextEdit::DeleteLine { line } => {
            let mut out = lines.clone();
            out.remove(line % lines.len());
            out.concat().into_bytes()
        }
        TextEdit::Insert { at, text } => {
            [&bytes[..clamp(*at)], text.as_bytes(), &bytes[clamp(*at)..]].concat()
        }
    };
    // Keep the text valid UTF-8: the loader reads strings.
    while std::str::from_utf8(&out).is_err() {
        out.pop();
    }
    String::from_utf8(out).expect("trimmed to valid UTF-8")
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    let tokens = prop_oneof![
        Just("$ref: '#/components/schemas/X'".to_owned()),
        Just("{".to_owned()),
        Just("]".to_owned()),
        Just("- ".to_owned()),
        Just("  ".to_owned()),
        Just(": ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("!!binary ".to_owned()),
        Just("nullable: true".to_owned()),
        Just("allOf: []".to_owned()),
        Just("oneOf: [{$ref: '#/components/schemas/A'}]".to_owned()),
        Just("type: object".to_owned()),
        Just("\n".to_owned()),
        Just("\t".to_owned()),
        // Control characters: C1 ones are valid in JSON strings and not in YAML.
        Just("\u{85}".to_owned()),
        Just("\u{99}".to_owned()),
        Just("\u{1b}".to_owned()),
        Just("\u{0}".to_owned()),
        Just("\u{feff}".to_owned()),
        "[ -~]{0,12}",
        "\\PC{0,4}",
    ];
    prop_oneof![
        (0usize..8000, any::<u8>()).prop_map(|(at, bit)| TextEdit::FlipBit { at, bit }),
        (0usize..8000).prop_map(|at| TextEdit::Truncate { at }),
        (0usize..8000, 0usize..200).prop_map(|(at, len)| TextEdit::Cut { at, len }),
        (0usize..400).prop_map(|line| TextEdit::DuplicateLine { line }),
        (0usize..400).prop_map(|line| TextEdit::DeleteLine { line }),
        (0usize..8000, tokens).prop_map(|(at, text)| TextEdit::Insert { at, text }),
    ]
}

/// One edit to the parsed tree; `node` picks a node in pre-order (modulo the node count).
#[derive(Debug, Clone)]
enum TreeEdit {
    Replace {
        node: usize,
        with: Value,
    },
    DeleteKey {
        node: usize,
    },
    InjectRef {
        node: usize,
        target: String,
    },
    Nest {
        node: usize,
        depth: usize,
        in_array: bool,
    },
    /// Wraps a node `depth` times in what real specs wrap schemas in: an annotation-only
    /// `allOf`, a nullable `allOf`, or an object whose property holds it beside a boolean
    /// `additionalProperties`.
    Wrap {
        node: usize,
        depth: usize,
        wrapper: Wrapper,
    },
    /// Puts an annotation-only wrapper of a `$ref` to an existing component (picked by index)
    /// at a node, so that components come to contain themselves through wrappers.
    WrapRef {
        node: usize,
        component: usize,
        nullable: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum Wrapper {
    Annotation,
    Nullable,
    Property,
}

/// Values of every YAML type, including extremes.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(f64::MAX)),
        Just(Value::from(f64::NAN)),
        Just(Value::from(f64::INFINITY)),
        Just(Value::from(-0.0)),
        Just(Value::from("9".repeat(400))),
        any::<i64>().prop_map(Value::from),
        "[ -~]{0,16}".prop_map(Value::from),
        Just(Value::Sequence(Vec::new())),
        Just(Value::Mapping(Mapping::new())),
        Just(Value::Sequence(vec![Value::Null, Value::from(1)])),
    ]
}

fn ref_target() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("#".to_owned()),
        Just("#/".to_owned()),
        Just("".to_owned()),
        Just("#/components/schemas/".to_owned()),
        Just("#/components/schemas/A/properties/x".to_owned()),
        Just("#/components/parameters/P".to_owned()),
        Just("#/components/responses/R".to_owned()),
        Just("#/paths/~1a/get".to_owned()),
        Just("#/paths/~1a/get/parameters/0".to_owned()),
        Just("#/info".to_owned()),
        Just("#%zz/%".to_owned()),
        Just("#/components/schemas/~2".to_owned()),
        Just("other.yaml#/components/schemas/X".to_owned()),
        Just("schemas/pet.yaml#/components/schemas/Pet".to_owned()),
        Just("openapi.yaml#/components/schemas/Pet".to_owned()),
        Just("openapi.yaml".to_owned()),
        Just("./".to_owned()),
        Just("..".to_owned()),
        Just("../../../../../../../../etc/passwd".to_owned()),
        Just("/dev/zero".to_owned()),
        Just("http://example.com/x.yaml#/X".to_owned()),
        Just("file:///etc/passwd".to_owned()),
        "[ -~]{0,20}",
    ]
}

fn tree_edit() -> impl Strategy<Value = TreeEdit> {
    prop_oneof![
        (any::<usize>(), odd_value()).prop_map(|(node, with)| TreeEdit::Replace { node, with }),
        any::<usize>().prop_map(|node| TreeEdit::DeleteKey { node }),
        (any::<usize>(), ref_target())
            .prop_map(|(node, target)| TreeEdit::InjectRef { node, target }),
        (any::<usize>(), 1usize..200, any::<bool>()).prop_map(|(node, depth, in_array)| {
            TreeEdit::Nest {
                node,
                depth,
                in_array,
            }
        }),
        (
            any::<usize>(),
            1usize..40,
            prop_oneof![
                Just(Wrapper::Annotation),
                Just(Wrapper::Nullable),
                Just(Wrapper::Property)
            ]
        )
            .prop_map(|(node, depth, wrapper)| TreeEdit::Wrap {
                node,
                depth,
                wrapper
            }),
        (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(node, component, nullable)| {
            TreeEdit::WrapRef {
                node,
                component,
                nullable,
            }
        }),
    ]
}

/// A YAML mapping from string keys.
fn mapping<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Mapping(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect(),
    )
}

/// `node` wrapped once in `wrapper`.
fn wrapped(node: Value, wrapper: Wrapper) -> Value {
    let description = || mapping([("description", Value::from("wrapped"))]);
    match wrapper {
        Wrapper::Annotation => mapping([("allOf", Value::Sequence(vec![node, description()]))]),
        Wrapper::Nullable => mapping([
            ("nullable", Value::Bool(true)),
            ("allOf", Value::Sequence(vec![node])),
        ]),
        Wrapper::Property => mapping([
            ("type", Value::from("object")),
            ("additionalProperties", Value::Bool(false)),
            (
                "properties",
                mapping([("inner", node), ("flag", Value::Bool(true))]),
            ),
        ]),
    }
}

/// Pre-order paths (as child indices) of every node, up to a bound.
fn node_paths(value: &Value, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    if out.len() > 20_000 {
        return;
    }
    out.push(path.clone());
    let children: Vec<&Value> = match value {
        Value::Mapping(map) => map.values().collect(),
        Value::Sequence(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for (i, child) in children.into_iter().enumerate() {
        path.push(i);
        node_paths(child, path, out);
        path.pop();
    }
}

fn node_mut<'v>(value: &'v mut Value, path: &[usize]) -> Option<&'v mut Value> {
    let mut current = value;
    for &i in path {
        current = match current {
            Value::Mapping(map) => map.values_mut().nth(i)?,
            Value::Sequence(items) => items.get_mut(i)?,
            _ => return None,
        };
    }
    Some(current)
}

fn apply_tree(document: &mut Value, edit: &TreeEdit) {
    let mut paths = Vec::new();
    node_paths(document, &mut Vec::new(), &mut paths);
    let pick = |node: usize| paths[node % paths.len()].clone();
    match edit {
        TreeEdit::Replace { node, with } => {
            if let Some(v) = node_mut(document, &pick(*node)) {
                *v = with.clone();
            }
        }
        TreeEdit::DeleteKey { node } => {
            let path = pick(*node);
            if let Some((last, parent)) = path.split_last() {
                match node_mut(document, parent) {
                    Some(Value::Mapping(map)) => {
                        let key = map.keys().nth(*last).cloned();
                        if let Some(key) = key {
                            map.remove(&key);
                        }
                    }
                    Some(Value::Sequence(items)) if *last < items.len() => {
                        items.remove(*last);
                    }
                    _ => {}
                }
            }
        }
        TreeEdit::InjectRef { node, target } => {
            if let Some(v) = node_mut(document, &pick(*node)) {
                let mut map = Mapping::new();
                map.insert(Value::from("$ref"), Value::from(target.clone()));
                *v = Value::Mapping(map);
            }
        }
        TreeEdit::Nest {
            node,
            depth,
            in_array,
        } => {
            if let Some(v) = node_mut(document, &pick(*node)) {
                let mut nested = std::mem::take(v);
                for _ in 0..*depth {
                    nested = if *in_array {
                        Value::Sequence(vec![nested])
                    } else {
                        let mut map = Mapping::new();
                        map.insert(Value::from("items"), nested);
                        Value::Mapping(map)
                    };
                }
                *v = nested;
            }
        }
        TreeEdit::Wrap {
            node,
            depth,
            wrapper,
        } => {
            if let Some(v) = node_mut(document, &pick(*node)) {
                let mut nested = std::mem::take(v);
                for _ in 0..*depth {
                    nested = wrapped(nested, *wrapper);
                }
                *v = nested;
            }
        }
        TreeEdit::WrapRef {
            node,
            component,
            nullable,
        } => {
            let names: Vec<String> = document
                .get("components")
                .and_then(|c| c.get("schemas"))
                .and_then(Value::as_mapping)
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let Some(name) = names.get(component % names.len().max(1)) else {
                return;
            };
            let reference =
                mapping([("$ref", Value::from(format!("#/components/schemas/{name}")))]);
            let wrapper = if *nullable {
                Wrapper::Nullable
            } else {
                Wrapper::Annotation
            };
            if let Some(v) = node_mut(document, &pick(*node)) {
                *v = wrapped(reference, wrapper);
            }
        }
    }
}

/// The multi-file fixtures, copied once into a scratch tree that file-level cases edit in place.
fn scratch_tree() -> &'static PathBuf {
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    TREE.get_or_init(|| {
        let tree = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no_panic_tree");
        let _ = std::fs::remove_dir_all(&tree);
        for dir in ["valid", "invalid"] {
            for entry in std::fs::read_dir(fixtures_root().join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    copy_dir(&path, &tree.join(dir).join(path.file_name().unwrap()));
                }
            }
        }
        tree
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn text_mutations_never_panic(seed in any::<usize>(), edits in proptest::collection::vec(text_edit(), 1..4)) {
        static STARTED: OnceLock<Instant> = OnceLock::new();
        if out_of_time(&STARTED) {
            return Ok(());
        }
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].clone();
        for edit in &edits {
            text = apply_text(&text, edit);
        }
        run_text(text);
    }

    #[test]
    fn structural_mutations_never_panic(seed in any::<usize>(), edits in proptest::collection::vec(tree_edit(), 1..4)) {
        static STARTED: OnceLock<Instant> = OnceLock::new();
        if out_of_time(&STARTED) {
            return Ok(());
        }
        let seeds = seeds();
        let Ok(mut document) = openapi_gen::parse_yaml_value(&seeds[seed % seeds.len()]) else {
            return Ok(());
        };
        for edit in &edits {
            apply_tree(&mut document, edit);
        }
        // Deep nesting can exceed what the serializer writes; such a case has nothing to test.
        if let Ok(text) = serde_yaml::to_string(&document) {
            run_text(text);
        }
    }

    /// Multi-file fixtures through the file loader (external `$ref`s): one file of the tree is
    /// mangled on disk, the root is generated, and the file is put back.
    #[test]
    fn mangled_files_never_panic(
        file in any::<usize>(),
        text_edits in proptest::collection::vec(text_edit(), 0..3),
        tree_edits in proptest::collection::vec(tree_edit(), 0..3),
    ) {
        static STARTED: OnceLock<Instant> = OnceLock::new();
        if out_of_time(&STARTED) {
            return Ok(());
        }
        let tree = scratch_tree();
        let files = spec_files(tree);
        let path = &files[file % files.len()];
        let original = std::fs::read_to_string(path).unwrap();
        let mut text = original.clone();
        if let Ok(mut document) = openapi_gen::parse_yaml_value(&text) {
            for edit in &tree_edits {
                apply_tree(&mut document, edit);
            }
            text = serde_yaml::to_string(&document).unwrap_or(text);
        }
        for edit in &text_edits {
            text = apply_text(&text, edit);
        }
        std::fs::write(path, &text).unwrap();
        if let Ok(dump) = std::env::var("NO_PANIC_DUMP") {
            std::fs::write(dump, format!("# {}\n{text}", path.display())).unwrap();
        }
        let root = path.ancestors().find(|p| p.join("openapi.yaml").is_file()).unwrap().join("openapi.yaml");
        let outcome = std::panic::catch_unwind(|| generate(&Config::default(), &root));
        std::fs::write(path, &original).unwrap();
        prop_assert!(outcome.is_ok(), "panicked with {} mangled as:\n{text}", path.display());
    }
}

/// Replays every crash or hang the fuzzer found: each must give diagnostics or code, quickly.
#[test]
fn regressions_do_not_panic() {
    for path in spec_files(&fixtures_root().join("regressions")) {
        let started = Instant::now();
        run_text(std::fs::read_to_string(&path).unwrap());
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(20),
            "{} took {took:?}",
            path.display()
        );
    }
}

/// 10 000 nested arrays, objects or schemas (YAML flow style and JSON; block style to 300) are
/// refused with an error; nothing recurses that deep.
#[test]
fn deep_nesting_is_an_error() {
    let depth = 10_000;
    let head = "openapi: 3.0.3\ninfo: {title: deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n";
    let flow_arrays = format!(
        "{head}      default: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let flow_objects = format!(
        "{head}      default: {}1{}\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    let flow_schemas = format!(
        "{head}      items: {}{{type: string}}{}\n",
        "{type: array, items: ".repeat(depth),
        "}".repeat(depth)
    );
    // Block style indents every level further, so 300 levels (past the parser's limit) suffice.
    let mut block_schemas = head.to_owned();
    for level in 0..300 {
        let indent = "  ".repeat(3 + level);
        block_schemas.push_str(&format!("{indent}type: array\n{indent}items:\n"));
    }
    block_schemas.push_str(&format!("{}type: string\n", "  ".repeat(303)));
    let json = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"deep\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    for (name, text) in [
        ("flow arrays", flow_arrays),
        ("flow objects", flow_objects),
        ("flow schemas", flow_schemas),
        ("block schemas", block_schemas),
        ("json", json),
    ] {
        let outcome =
            parse_spec(text, "deep.yaml").and_then(|spec| generate_from(&Config::default(), &spec));
        let diagnostics = outcome
            .err()
            .unwrap_or_else(|| panic!("{name}: a 10 000-deep document was accepted"));
        assert!(diagnostics.has_errors(), "{name}");
    }
}

/// Schemas nested as deep as the parser allows still generate (or fail) without overflowing.
#[test]
fn nesting_below_the_limit_generates() {
    for depth in [10, 40, 60] {
        let mut text = "openapi: 3.0.3\ninfo: {title: deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n".to_owned();
        for level in 0..depth {
            let indent = "  ".repeat(3 + level);
            text.push_str(&format!("{indent}type: array\n{indent}items:\n"));
        }
        text.push_str(&format!("{}type: string\n", "  ".repeat(3 + depth)));
        run_text(text);
    }
}
