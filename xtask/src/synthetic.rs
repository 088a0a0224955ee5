//! Deterministic synthetic OpenAPI specs of any size, for the generator benchmark.
//!
//! Each resource gets four operations (list, create, get, delete) and four schemas, the
//! density of real APIs (Qovery: 554 operations, 968 types), so time per operation is comparable
//! across sizes. The same `operations` always gives the same text.

use std::fmt::Write;

/// A spec with exactly `operations` operations.
pub fn synthetic_spec(operations: usize) -> String {
    let resources = operations.div_ceil(4);
    let tags = resources.div_ceil(5).max(1);
    let mut paths = String::new();
    let mut schemas = String::new();
    let mut emitted = 0;
    for r in 0..resources {
        let tag = format!("Tag {}", r % tags);
        let wanted = (operations - emitted).min(4);
        emitted += wanted;
        write_resource_paths(&mut paths, r, &tag, wanted);
        write_resource_schemas(&mut schemas, r);
    }
    format!(
        "openapi: 3.0.3\n\
         info:\n  title: Synthetic API\n  version: 1.0.0\n  description: {operations} generated operations.\n\
         servers:\n  - url: https://api.example.com\n\
         security:\n  - bearerAuth: []\n\
         paths:\n{paths}\
         components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n\
         \x20 schemas:\n{schemas}"
    )
}

fn write_resource_paths(out: &mut String, r: usize, tag: &str, operations: usize) {
    let collection = format!(
        "    get:\n      operationId: listResource{r}\n      summary: List resources of kind {r}\n      tags: [\"{tag}\"]\n\
         \x20     parameters:\n\
         \x20       - {{ name: page, in: query, schema: {{ type: integer, format: int32 }} }}\n\
         \x20       - {{ name: search, in: query, schema: {{ type: string }} }}\n\
         \x20     responses:\n\
         \x20       '200':\n          description: The resources.\n          content:\n            application/json:\n              schema: {{ $ref: '#/components/schemas/Resource{r}List' }}\n\
         \x20       '401': {{ description: Unauthorized }}\n"
    );
    let create = format!(
        "    post:\n      operationId: createResource{r}\n      summary: Create a resource of kind {r}\n      tags: [\"{tag}\"]\n\
         \x20     requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{ $ref: '#/components/schemas/Resource{r}Request' }}\n\
         \x20     responses:\n\
         \x20       '201':\n          description: Created.\n          content:\n            application/json:\n              schema: {{ $ref: '#/components/schemas/Resource{r}' }}\n\
         \x20       '400': {{ description: Bad request }}\n"
    );
    let get = format!(
        "    get:\n      operationId: getResource{r}\n      summary: Get one resource of kind {r}\n      tags: [\"{tag}\"]\n\
         \x20     parameters:\n\
         \x20       - {{ name: resourceId, in: path, required: true, schema: {{ type: string, format: uuid }} }}\n\
         \x20     responses:\n\
         \x20       '200':\n          description: The resource.\n          content:\n            application/json:\n              schema: {{ $ref: '#/components/schemas/Resource{r}' }}\n\
         \x20       '404': {{ description: Not found }}\n"
    );
    let delete = format!(
        "    delete:\n      operationId: deleteResource{r}\n      summary: Delete one resource of kind {r}\n      tags: [\"{tag}\"]\n\
         \x20     parameters:\n\
         \x20       - {{ name: resourceId, in: path, required: true, schema: {{ type: string, format: uuid }} }}\n\
         \x20     responses:\n\
         \x20       '204': {{ description: Deleted }}\n\
         \x20       '404': {{ description: Not found }}\n"
    );
    let (on_collection, on_item): (Vec<&str>, Vec<&str>) = match operations {
        1 => (vec![&collection], vec![]),
        2 => (vec![&collection, &create], vec![]),
        3 => (vec![&collection, &create], vec![&get]),
        _ => (vec![&collection, &create], vec![&get, &delete]),
    };
    let _ = writeln!(out, "  /resources{r}:");
    on_collection.iter().for_each(|op| out.push_str(op));
    if !on_item.is_empty() {
        let _ = writeln!(out, "  /resources{r}/{{resourceId}}:");
        on_item.iter().for_each(|op| out.push_str(op));
    }
}

fn write_resource_schemas(out: &mut String, r: usize) {
    let _ = write!(
        out,
        "    Resource{r}:\n      type: object\n      description: A resource of kind {r}.\n      required: [id, name, status]\n      properties:\n\
         \x20       id: {{ type: string, format: uuid, readOnly: true }}\n\
         \x20       name: {{ type: string, description: The display name. }}\n\
         \x20       count: {{ type: integer, format: int32 }}\n\
         \x20       status: {{ $ref: '#/components/schemas/Resource{r}Status' }}\n\
         \x20       labels: {{ type: array, items: {{ type: string }} }}\n\
         \x20       created_at: {{ type: string, format: date-time }}\n\
         \x20       description: {{ type: string, nullable: true }}\n\
         \x20       settings:\n          type: object\n          properties:\n            enabled: {{ type: boolean }}\n            limit: {{ type: integer, format: int64 }}\n\
         \x20   Resource{r}Status:\n      type: string\n      enum: [READY, RUNNING, FAILED]\n\
         \x20   Resource{r}Request:\n      type: object\n      required: [name]\n      properties:\n\
         \x20       name: {{ type: string }}\n\
         \x20       description: {{ type: string, nullable: true }}\n\
         \x20       labels: {{ type: array, items: {{ type: string }} }}\n\
         \x20   Resource{r}List:\n      type: object\n      properties:\n\
         \x20       results: {{ type: array, items: {{ $ref: '#/components/schemas/Resource{r}' }} }}\n"
    );
}

#[cfg(test)]
mod tests {
    use super::synthetic_spec;

    #[test]
    fn synthetic_specs_generate_the_requested_operations() {
        for operations in [1, 2, 3, 4, 5, 10, 101] {
            let text = synthetic_spec(operations);
            let spec = openapi_gen::parse_spec(text.clone(), "synthetic.yaml")
                .expect("synthetic spec parses");
            let output = openapi_gen::generate_from(&openapi_gen::Config::default(), &spec)
                .expect("synthetic spec generates");
            assert_eq!(output.summary.operations, operations, "{text}");
            assert!(output.warnings.is_empty(), "{:?}", output.warnings);
        }
        assert_eq!(synthetic_spec(40), synthetic_spec(40));
    }
}
