//! The `tracing` feature: each request routed to an operation is a span with its operation id,
//! templated route, method, status and latency, and each refusal (400, 401, 413, 415, 404) an
//! event with its reason; captured by a test subscriber over loopback HTTP.

#[path = "../examples/support/coveo_service.rs"]
#[allow(dead_code)]
mod coveo_service;
#[path = "../examples/support/qovery_service.rs"]
#[allow(dead_code)]
mod qovery_service;
#[allow(dead_code)]
mod support;

use generated::coveo as api;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::Visit;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;

type Fields = BTreeMap<String, String>;

/// A span as the subscriber saw it: its name, its fields as recorded, and its events' fields.
#[derive(Debug, Clone, Default)]
struct Captured {
    name: String,
    fields: Fields,
    events: Vec<Fields>,
}

/// Records every span and event into a shared list.
#[derive(Clone, Default)]
struct Capture {
    /// In the order they were opened; `open` maps a live span's id to its place (the registry
    /// reuses the ids of closed spans).
    spans: Arc<Mutex<Vec<Captured>>>,
    open: Arc<Mutex<BTreeMap<u64, usize>>>,
    /// Events outside any span (the `404` and `405` fallbacks).
    loose: Arc<Mutex<Vec<Fields>>>,
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Capture {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let mut span = Captured {
            name: attrs.metadata().name().to_owned(),
            ..Captured::default()
        };
        attrs.record(&mut Visitor(&mut span.fields));
        let mut spans = self.spans.lock().unwrap();
        self.open.lock().unwrap().insert(id.into_u64(), spans.len());
        spans.push(span);
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: Context<'_, S>,
    ) {
        if let Some(&at) = self.open.lock().unwrap().get(&id.into_u64()) {
            values.record(&mut Visitor(&mut self.spans.lock().unwrap()[at].fields));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        fields.insert("level".to_owned(), event.metadata().level().to_string());
        event.record(&mut Visitor(&mut fields));
        match ctx.event_span(event) {
            Some(span) => {
                if let Some(&at) = self.open.lock().unwrap().get(&span.id().into_u64()) {
                    self.spans.lock().unwrap()[at].events.push(fields);
                }
            }
            None => self.loose.lock().unwrap().push(fields),
        }
    }
}

impl Capture {
    /// The `openapi.request` spans, in the order they were opened.
    fn requests(&self) -> Vec<Captured> {
        self.spans
            .lock()
            .unwrap()
            .iter()
            .filter(|span| span.name == "openapi.request")
            .cloned()
            .collect()
    }
}

#[tokio::test]
async fn each_request_is_a_span_and_each_refusal_an_event_with_its_reason() {
    let capture = Capture::default();
    let _guard = tracing_subscriber::registry()
        .with(capture.clone())
        .set_default();
    let config = api::server::ServerConfig::default().body_limit(8);
    let app = api::server::router_with_config(coveo_service::CoveoService::new(), config)
        .layer(coveo_service::PrincipalLayer);
    let address = support::serve(app).await;
    let http = reqwest::Client::new();
    let base = format!("http://{address}/rest/organizations");

    let ok = http.get(&base).bearer_auth("alice").send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let unauthorized = http.get(&base).send().await.unwrap();
    assert_eq!(unauthorized.status(), 401);
    // `name` breaks its `minLength`.
    let invalid = http
        .post(format!("{base}?name="))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    let too_large = http
        .post(format!("{base}?name=x"))
        .bearer_auth("alice")
        .body("more than eight bytes")
        .send()
        .await
        .unwrap();
    // `createOrganization` documents `400`, not `413`: the refusal answers in its place (the
    // event below still says what was refused).
    assert_eq!(too_large.status(), 400);
    let deleted = http
        .delete(format!("{base}/nothere"))
        .bearer_auth("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 404);
    let unknown = http
        .get(format!("http://{address}/nowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let spans = capture.requests();
    let summary: Vec<(&str, &str, &str, &str)> = spans
        .iter()
        .map(|span| {
            (
                span.fields["operation"].as_str(),
                span.fields["http.route"].as_str(),
                span.fields["http.request.method"].as_str(),
                span.fields["http.response.status_code"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("listOrganizations", "/rest/organizations", "GET", "200"),
            ("listOrganizations", "/rest/organizations", "GET", "401"),
            ("createOrganization", "/rest/organizations", "POST", "400"),
            ("createOrganization", "/rest/organizations", "POST", "400"),
            // The implementation's own 404 is an answer, not a refusal.
            (
                "deleteOrganization",
                "/rest/organizations/{organizationId}",
                "DELETE",
                "404"
            ),
        ]
    );
    for span in &spans {
        let latency: u64 = span.fields["latency_us"].parse().unwrap();
        assert!(latency < 10_000_000, "{latency} µs");
    }
    // Answers carry no refusal; refusals say why, on the span and as an event.
    assert!(spans[0].events.is_empty() && !spans[0].fields.contains_key("rejection"));
    assert!(spans[4].events.is_empty());
    let refusals = [
        (
            1,
            "401",
            "missing credentials: this operation needs `bearerAuth`",
            "",
        ),
        (
            2,
            "400",
            "the request breaks 1 schema constraint",
            "query.name",
        ),
        (3, "413", "request body is larger than 8 bytes", "body"),
    ];
    for (index, status, reason, location) in refusals {
        let span = &spans[index];
        assert_eq!(span.fields["rejection"], reason);
        assert_eq!(span.events.len(), 1, "{span:?}");
        let event = &span.events[0];
        assert_eq!(event["message"], "request refused");
        assert_eq!(event["level"], "INFO");
        assert_eq!(event["status"], status);
        assert_eq!(event["reason"], reason);
        assert_eq!(event["location"], location);
    }
    // A path no operation has is refused outside any operation's span.
    // (The HTTP client's own events are set apart.)
    let loose: Vec<Fields> = capture
        .loose
        .lock()
        .unwrap()
        .iter()
        .filter(|event| event.get("message").is_some_and(|m| m == "request refused"))
        .cloned()
        .collect();
    assert_eq!(loose.len(), 1);
    assert_eq!(loose[0]["status"], "404");
}

#[tokio::test]
async fn an_unsupported_media_type_is_recorded_with_its_reason() {
    let capture = Capture::default();
    let _guard = tracing_subscriber::registry()
        .with(capture.clone())
        .set_default();
    let address = support::serve(generated::qovery::server::router(
        qovery_service::QoveryService::new(),
    ))
    .await;
    let refused = reqwest::Client::new()
        .post(format!("http://{address}/organization"))
        .header("Authorization", "Token key")
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    // Qovery's `createOrganization` documents `400`, not `415`: the refusal answers in its
    // place, in its documented shape; the event keeps the refused status.
    assert_eq!(refused.status(), 400);
    let spans = capture.requests();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].fields["operation"], "createOrganization");
    assert_eq!(spans[0].fields["http.response.status_code"], "400");
    assert_eq!(spans[0].events[0]["status"], "415");
    assert_eq!(
        spans[0].fields["rejection"],
        "expected a `application/json` body, got `text/plain`"
    );
    assert_eq!(spans[0].events[0]["location"], "header.Content-Type");
}
