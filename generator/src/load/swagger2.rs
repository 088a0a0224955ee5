//! Converts a Swagger 2.0 document into the OpenAPI 3.0 model, recording where each converted
//! piece came from so diagnostics point into the 2.0 text.

use serde_yaml::Value;

use super::Origin;
use crate::diagnostics::{catalog, Diagnostics};

/// Converts a bundled Swagger 2.0 document; not yet supported.
pub(crate) fn convert(
    value: Value,
    _label: &str,
    _source: &str,
    _origins: &mut Vec<Origin>,
    _warnings: &mut Diagnostics,
) -> Result<Value, Diagnostics> {
    let found = value
        .get("swagger")
        .and_then(Value::as_str)
        .unwrap_or("2.0")
        .to_owned();
    Err(Diagnostics(vec![catalog::swagger2(&found)]))
}
