//! The generated Coveo client against the generated Coveo router, over real HTTP on 127.0.0.1.
//!
//! The behavioral tests run the in-memory service of the examples and check the rules of the
//! Coveo docs; `every_documented_response_survives_the_wire` uses a scripted service to prove
//! each documented variant decodes to what the server encoded, including those the in-memory
//! service never produces.
//!
//! The same cases (`coveo/cases.rs`) run against both generated Coveo modules: `coveo`, from the
//! OpenAPI 3.0 spec, and `coveo_swagger2`, from its Swagger 2.0 version.

// The in-memory service is compiled once per module on purpose: each copy implements that
// module's `Api`.
#![allow(clippy::duplicate_mod)]

mod support;

#[cfg(feature = "coveo")]
#[path = "coveo/openapi3.rs"]
mod openapi3;

#[cfg(feature = "coveo_swagger2")]
#[path = "coveo/swagger2.rs"]
mod swagger2;
