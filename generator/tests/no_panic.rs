//! Robustness: mangled specs (bytes cut, duplicated or replaced) give diagnostics or code, never a
//! panic. Seeded with every fixture; a bounded number of cases per run.

use std::path::PathBuf;

use openapi_gen::{generate_from, parse_spec, Config};
use proptest::prelude::*;

fn fixture_texts() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut texts = Vec::new();
    for dir in ["valid", "invalid"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    }
    texts
}

/// One edit to a spec's text.
#[derive(Debug, Clone)]
enum Edit {
    Cut { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Replace { at: usize, with: String },
}

fn apply(text: &str, edit: &Edit) -> String {
    let bytes = text.as_bytes();
    let clamp = |i: usize| i.min(bytes.len());
    let mut out = match edit {
        Edit::Cut { at, len } => [&bytes[..clamp(*at)], &bytes[clamp(at + len)..]].concat(),
        Edit::Duplicate { at, len } => {
            let (a, b) = (clamp(*at), clamp(at + len));
            [&bytes[..b], &bytes[a..b], &bytes[b..]].concat()
        }
        Edit::Replace { at, with } => [
            &bytes[..clamp(*at)],
            with.as_bytes(),
            &bytes[clamp(at + with.len())..],
        ]
        .concat(),
    };
    // Keep the text valid UTF-8: the loader reads strings.
    while std::str::from_utf8(&out).is_err() {
        out.pop();
    }
    String::from_utf8(out).unwrap()
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let tokens = prop_oneof![
        Just("$ref: '#/components/schemas/X'".to_owned()),
        Just("{".to_owned()),
        Just("- ".to_owned()),
        Just("nullable: true".to_owned()),
        Just("allOf: []".to_owned()),
        Just("oneOf: [{$ref: '#/components/schemas/A'}]".to_owned()),
        Just("type: object".to_owned()),
        Just("\n".to_owned()),
        "[ -~]{0,12}",
    ];
    prop_oneof![
        (0usize..4000, 0usize..200).prop_map(|(at, len)| Edit::Cut { at, len }),
        (0usize..4000, 0usize..200).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        (0usize..4000, tokens).prop_map(|(at, with)| Edit::Replace { at, with }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mangled_specs_never_panic(index in 0usize..64, edits in proptest::collection::vec(edit_strategy(), 1..4)) {
        let texts = fixture_texts();
        let mut text = texts[index % texts.len()].clone();
        for edit in &edits {
            text = apply(&text, edit);
        }
        if let Ok(spec) = parse_spec(text, "mangled.yaml") {
            let _ = generate_from(&Config::default(), &spec);
        }
    }
}
