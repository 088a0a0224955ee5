//! The Coveo loopback cases against `generated::coveo` (from `specs/coveo/openapi.yaml`).

use generated::coveo as api;

#[path = "../../examples/support/coveo_service.rs"]
mod coveo_service;

include!("cases.rs");
