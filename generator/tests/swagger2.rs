//! Swagger 2.0 input: diagnostics about converted pieces point into the 2.0 text (its JSON
//! pointers and line numbers), not into the converted 3.0 copy.

use std::path::Path;

use openapi_gen::{generate, lower_api, parse_spec, Config, Diagnostic, Diagnostics};

const SPEC: &str = r##"swagger: "2.0"
info: {title: pointers, version: "1"}
consumes: [application/json]
paths:
  /things/{id}:
    parameters:
      - name: id
        in: path
        type: string
        format: path-format
    post:
      operationId: postThing
      parameters:
        - name: first
          in: query
          type: string
          format: query-format
        - name: body
          in: body
          schema:
            type: object
            properties:
              size: {type: string, format: body-format}
        - name: second
          in: header
          type: string
          format: header-format
      responses:
        "200":
          description: ok
          headers:
            X-Seen: {type: string, format: response-header-format}
          schema:
            type: object
            properties:
              when: {type: string, format: response-format}
  /upload:
    post:
      operationId: upload
      consumes: [multipart/form-data]
      parameters:
        - name: note
          in: formData
          type: string
          format: form-format
      responses:
        "204": {description: done}
definitions:
  Thing:
    type: object
    properties:
      size: {type: string, format: definition-format}
      alias:
        $ref: '#/definitions/Thing/properties/size'
"##;

/// Finds the diagnostic whose message names `needle`.
fn find<'d>(diagnostics: &'d Diagnostics, needle: &str) -> &'d Diagnostic {
    diagnostics
        .0
        .iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| panic!("no diagnostic about {needle:?} in:\n{diagnostics}"))
}

/// The 1-based line of the first line of `SPEC` that contains `text`.
fn line_of(text: &str) -> usize {
    SPEC.lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{text:?} is not in the spec"))
        + 1
}

#[test]
fn lowering_warnings_point_into_the_2_0_document() {
    let mut spec = SPEC.replace(
        "      alias:\n        $ref: '#/definitions/Thing/properties/size'\n",
        "",
    );
    spec.push('\n');
    let loaded = parse_spec(spec, "pointers.yaml").unwrap_or_else(|d| panic!("{d}"));
    let mut warnings = lower_api(&loaded.openapi)
        .unwrap_or_else(|d| panic!("{d}"))
        .warnings;
    loaded.annotate(&mut warnings);
    for (format, pointer, line_text) in [
        (
            "definition-format",
            "#/definitions/Thing/properties/size",
            "definition-format",
        ),
        (
            "body-format",
            "#/paths/~1things~1{id}/post/parameters/1/schema/properties/size",
            "body-format",
        ),
        (
            "response-format",
            "#/paths/~1things~1{id}/post/responses/200/schema/properties/when",
            "response-format",
        ),
        (
            "response-header-format",
            "#/paths/~1things~1{id}/post/responses/200/headers/X-Seen",
            "X-Seen",
        ),
        // The body parameter left the list: `second` is the converted list's entry 1.
        (
            "header-format",
            "#/paths/~1things~1{id}/post/parameters/2",
            "name: second",
        ),
        (
            "query-format",
            "#/paths/~1things~1{id}/post/parameters/0",
            "name: first",
        ),
        (
            "path-format",
            "#/paths/~1things~1{id}/parameters/0",
            "name: id",
        ),
        (
            "form-format",
            "#/paths/~1upload/post/parameters/0",
            "name: note",
        ),
    ] {
        let d = find(&warnings, format);
        assert_eq!(d.pointer, pointer, "{d}");
        assert_eq!(d.file, "pointers.yaml");
        let position = d.position.unwrap_or_else(|| panic!("not located: {d}"));
        assert_eq!(position.line, line_of(line_text), "{d}");
    }
}

#[test]
fn lowering_errors_point_into_the_2_0_document() {
    let loaded = parse_spec(SPEC.to_owned(), "pointers.yaml").unwrap_or_else(|d| panic!("{d}"));
    let Err(mut errors) = lower_api(&loaded.openapi) else {
        panic!("a `$ref` into a property is refused");
    };
    loaded.annotate(&mut errors);
    let d = errors
        .errors()
        .next()
        .unwrap_or_else(|| panic!("no error in:\n{errors}"));
    assert_eq!(d.pointer, "#/definitions/Thing/properties/alias", "{d}");
    assert_eq!(d.position.map(|p| p.line), Some(line_of("alias:")), "{d}");
}

/// In a split spec, a warning inside a definition copied from another file names that file.
#[test]
fn split_file_warnings_name_the_file_they_were_written_in() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid/swagger2_split/openapi.yaml");
    let mut config = Config::default();
    config.spec_label("fixtures/swagger2_split/openapi.yaml");
    let output = generate(&config, &path).unwrap_or_else(|d| panic!("{d}"));
    let d = find(&output.warnings, "not-a-known-format");
    assert_eq!(d.file, "fixtures/swagger2_split/definitions.yaml");
    assert_eq!(d.pointer, "#/Owner/properties/badge");
    assert_eq!(d.position.map(|p| p.line), Some(13));
}
