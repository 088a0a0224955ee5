//! Warns about the documented response examples a mock would send that break their own schema:
//! the mock leaves them out (see `emit/mock.rs`) and sends a value built from the schema.

use std::collections::BTreeSet;

use crate::diagnostics::{catalog, Diagnostics};
use crate::ir::Api;
use crate::values::{documented_examples, Builder};

/// One warning per response whose documented examples break its body's constraints.
pub fn check(api: &Api, warnings: &mut Diagnostics) {
    let builder = Builder::new(api);
    let mut seen = BTreeSet::new();
    for op in &api.operations {
        for response in &op.responses {
            let Some(body) = &response.body else { continue };
            let Some(check) = body.check else { continue };
            for example in documented_examples(api, op, response) {
                if let Some(violation) = builder.violation_of(Some(check), &example) {
                    let key = match response.status {
                        crate::ir::StatusMatch::Code(code) => code.to_string(),
                        crate::ir::StatusMatch::Range(hundreds) => format!("{hundreds}XX"),
                        crate::ir::StatusMatch::Default => "default".to_owned(),
                    };
                    let pointer = format!("{}/responses/{key}", op.pointer);
                    let at = if violation.starts_with(':') {
                        format!("the body{violation}")
                    } else {
                        format!("at {violation}")
                    };
                    if seen.insert(pointer.clone()) {
                        warnings.push(catalog::example_breaks_schema(&pointer, &at));
                    }
                }
            }
        }
    }
}
