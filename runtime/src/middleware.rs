//! Code of your own around every attempt a client makes: add a header, refresh a token, log,
//! count, or answer from a cache.
//!
//! A [`Middleware`] gets each attempt's `reqwest::Request` and a [`Next`], which runs the rest of
//! the chain and then sends the request. Middleware run in the order they were added, each
//! around the ones after it; retries happen outside the chain, so every attempt passes through
//! all of it (a token refreshed by a middleware is used by the retry too).
//!
//! ```
//! use openapi_gen_runtime::client::middleware::{BoxFuture, Middleware, Next};
//! use openapi_gen_runtime::client::{reqwest, Error};
//!
//! struct UserAgent(&'static str);
//!
//! impl Middleware for UserAgent {
//!     fn handle<'a>(&'a self, mut request: reqwest::Request, next: Next<'a>) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
//!         request.headers_mut().insert(reqwest::header::USER_AGENT, reqwest::header::HeaderValue::from_static(self.0));
//!         let operation = next.operation();
//!         Box::pin(async move {
//!             let response = next.run(request).await?;
//!             eprintln!("{} answered {}", operation.id, response.status());
//!             Ok(response)
//!         })
//!     }
//! }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::Error;

/// A boxed, sendable future: what [`Middleware::handle`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs around each attempt of every call a client makes (see the [module](self)).
pub trait Middleware: Send + Sync + 'static {
    /// Handles one attempt: change the request, pass it on with `next.run(request)` (or answer
    /// without it), and look at or change the response. An error of your own goes back to the
    /// caller as [`Error::Middleware`].
    fn handle<'a>(&'a self, request: reqwest::Request, next: Next<'a>) -> BoxFuture<'a, Result<reqwest::Response, Error>>;
}

/// The operation a call is for, as the API description names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The `operationId` (or the name the generator gave an operation without one).
    pub id: &'static str,
    /// The path template, `/rest/organizations/{organizationId}`.
    pub path: &'static str,
}

/// The rest of the chain after a middleware, then the HTTP client.
pub struct Next<'a> {
    pub(super) chain: &'a [Arc<dyn Middleware>],
    pub(super) http: &'a reqwest::Client,
    pub(super) operation: Operation,
    pub(super) attempt: u32,
}

impl<'a> Next<'a> {
    /// The operation this attempt belongs to.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Which attempt of the call this is: 1 for the first, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Runs the rest of the chain, then sends the request.
    pub fn run(self, request: reqwest::Request) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        match self.chain.split_first() {
            Some((first, rest)) => first.handle(request, Next { chain: rest, ..self }),
            None => Box::pin(async move { self.http.execute(request).await.map_err(Error::from) }),
        }
    }
}
