//! The Coveo loopback cases against `generated::coveo_swagger2` (from the Swagger 2.0
//! `specs/coveo_swagger2/swagger.yaml`).

use generated::coveo_swagger2 as api;

#[path = "../../examples/support/coveo_service.rs"]
mod coveo_service;

include!("cases.rs");
