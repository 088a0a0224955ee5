//! Pagination over loopback HTTP: the generated server pages nine items three at a time in each
//! convention real APIs use, and each generated `<method>_all` reads all nine, in order, with
//! the number of requests the convention needs; a page is fetched only when it is read, a page
//! answered with an error status ends the stream with it, and a next page on another origin is
//! not followed.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use futures_util::StreamExt;
use openapi_gen_runtime::client::page::PageError;
use support::serve;

use fixtures::pagination::client::{
    Client, Error, ListCustomOptions, ListCustomersOptions, ListEventsOptions, ListFilesOptions,
    ListItemsOptions, ListMembersOptions, ListNumberedOptions, ListReposOptions,
    ListTeamMembersOptions, ListVaultsOptions,
};
use fixtures::pagination::model::{
    Item, ListCustomOkBody, ListCustomOkBodyContinuation, ListCustomersOkBody,
    ListCustomersOkBodyObject, ListEventsOkBody, ListEventsOkBodyLinks, ListFilesOkBody,
    ListItemsOkBody, ListMembersOkBody, ListMembersOkBodyResponseMetadata, ListMixedOkBody,
    ListVaultsOkBody,
};
use fixtures::pagination::operations::{
    GetSingleResponse, ListCustomResponse, ListCustomersResponse, ListEventsResponse,
    ListFilesResponse, ListItemsResponse, ListMembersResponse, ListMixedResponse,
    ListNumberedResponse, ListReposOkHeaders, ListReposResponse, ListTeamMembersResponse,
    ListVaultsResponse,
};
use fixtures::pagination::server::{
    router, Api, GetSingleInput, ListCustomInput, ListCustomersInput, ListEventsInput,
    ListFilesInput, ListItemsInput, ListMembersInput, ListMixedInput, ListNumberedInput,
    ListReposInput, ListTeamMembersInput, ListVaultsInput,
};

const ALL: usize = 9;
const PAGE: usize = 3;

fn ids() -> Vec<String> {
    (1..=ALL).map(|n| format!("i{n}")).collect()
}

/// The items from `start`, at most `PAGE`.
fn page(start: usize) -> Vec<Item> {
    (start..ALL.min(start + PAGE))
        .map(|n| Item {
            id: format!("i{}", n + 1),
        })
        .collect()
}

/// The position after the item with this id.
fn after(id: Option<&str>) -> usize {
    id.map_or(0, |id| id[1..].parse().unwrap())
}

#[derive(Default)]
struct Pages {
    requests: AtomicUsize,
    /// The server's own URL, for answers that name absolute next-page URLs.
    base: OnceLock<String>,
}

impl Pages {
    fn count(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }
}

impl Api for Pages {
    async fn get_single(self: Arc<Self>, _: GetSingleInput) -> GetSingleResponse {
        GetSingleResponse::Ok(Item { id: "one".into() })
    }

    async fn list_files(self: Arc<Self>, input: ListFilesInput) -> ListFilesResponse {
        self.count();
        // A key that runs out on the third page.
        if input.limit == Some(13) && input.after.as_deref() == Some("i6") {
            return ListFilesResponse::Unauthorized;
        }
        let start = after(input.after.as_deref());
        let data = page(start);
        ListFilesResponse::Ok(ListFilesOkBody {
            first_id: Some(data.first().map(|i| i.id.clone())),
            last_id: Some(data.last().map(|i| i.id.clone())),
            has_more: start + PAGE < ALL,
            data,
        })
    }

    async fn list_customers(self: Arc<Self>, input: ListCustomersInput) -> ListCustomersResponse {
        self.count();
        let start = after(input.starting_after.as_deref());
        ListCustomersResponse::Ok(ListCustomersOkBody {
            object: ListCustomersOkBodyObject::List,
            data: page(start),
            has_more: start + PAGE < ALL,
            url: "/customers".into(),
        })
    }

    async fn list_repos(self: Arc<Self>, input: ListReposInput) -> ListReposResponse {
        self.count();
        let number = input.page.unwrap_or(1) as usize;
        let size = input.per_page.unwrap_or(PAGE as i64) as usize;
        let start = (number - 1) * size;
        // Relative and absolute URLs both, as servers send them.
        let link = (start + size < ALL).then(|| {
            let base = if number == 1 {
                String::new()
            } else {
                self.base.get().unwrap().clone()
            };
            format!(
                "<{base}/orgs/{org}/repos?page={next}&per_page={size}>; rel=\"next\", <{base}/orgs/{org}/repos?page=3&per_page={size}>; rel=\"last\"",
                org = input.org,
                next = number + 1
            )
        });
        ListReposResponse::Ok {
            body: page(start),
            headers: ListReposOkHeaders { link },
        }
    }

    async fn list_events(self: Arc<Self>, input: ListEventsInput) -> ListEventsResponse {
        self.count();
        let start: usize = input.continue_token.map_or(0, |t| t.parse().unwrap());
        let base = self.base.get().unwrap();
        ListEventsResponse::Ok(ListEventsOkBody {
            links: Some(ListEventsOkBodyLinks {
                previous: None,
                next: (start + PAGE < ALL)
                    .then(|| format!("{base}/events?continueToken={}", start + PAGE)),
            }),
            events: Some(page(start)),
        })
    }

    async fn list_vaults(self: Arc<Self>, input: ListVaultsInput) -> ListVaultsResponse {
        self.count();
        let tenant = input.tenant.unwrap_or_default();
        let (name, start) = match tenant.split_once(':') {
            Some((name, start)) => (name.to_owned(), start.parse().unwrap()),
            None => (tenant, 0usize),
        };
        let next_link = if name == "evil" {
            Some("https://elsewhere.example/vaults?tenant=evil:3".to_owned())
        } else {
            (start + PAGE < ALL).then(|| format!("/vaults?tenant={name}:{}", start + PAGE))
        };
        ListVaultsResponse::Ok(ListVaultsOkBody {
            value: Some(page(start)),
            next_link: Some(next_link),
        })
    }

    async fn list_members(self: Arc<Self>, input: ListMembersInput) -> ListMembersResponse {
        self.count();
        let start: usize = input.cursor.map_or(0, |c| c[1..].parse().unwrap());
        // Slack ends with an empty cursor rather than none.
        let next_cursor = if start + PAGE < ALL {
            format!("c{}", start + PAGE)
        } else {
            String::new()
        };
        ListMembersResponse::Ok(ListMembersOkBody {
            ok: true,
            members: page(start),
            response_metadata: Some(ListMembersOkBodyResponseMetadata {
                next_cursor: Some(next_cursor),
            }),
        })
    }

    async fn list_items(self: Arc<Self>, input: ListItemsInput) -> ListItemsResponse {
        self.count();
        let start = input.offset.unwrap_or(0) as usize;
        let limit = input.limit.unwrap_or(PAGE as i64) as usize;
        let items: Vec<Item> = page(start).into_iter().take(limit).collect();
        ListItemsResponse::Ok(ListItemsOkBody {
            items: Some(items),
            total: Some(ALL as i64),
        })
    }

    async fn list_numbered(self: Arc<Self>, input: ListNumberedInput) -> ListNumberedResponse {
        self.count();
        let number = input.page_number.unwrap_or(1.0) as usize;
        ListNumberedResponse::Ok(page((number - 1) * PAGE))
    }

    async fn list_custom(self: Arc<Self>, input: ListCustomInput) -> ListCustomResponse {
        self.count();
        let start: usize = input.from.map_or(0, |f| f.parse().unwrap());
        ListCustomResponse::Ok(ListCustomOkBody {
            entries: Some(page(start)),
            related: Some(vec!["not the items".into()]),
            continuation: (start + PAGE < ALL).then(|| ListCustomOkBodyContinuation {
                token: Some((start + PAGE).to_string()),
            }),
        })
    }

    async fn list_team_members(
        self: Arc<Self>,
        input: ListTeamMembersInput,
    ) -> ListTeamMembersResponse {
        self.count();
        assert_eq!(
            (input.client.as_str(), input.start.as_str(), input.number),
            ("t1", "s", 7)
        );
        let number = input.page.unwrap_or(1) as usize;
        ListTeamMembersResponse::Ok(page((number - 1) * PAGE))
    }

    async fn list_mixed(self: Arc<Self>, _: ListMixedInput) -> ListMixedResponse {
        ListMixedResponse::Ok(ListMixedOkBody::default())
    }
}

async fn start() -> (Client, Arc<Pages>) {
    let pages = Arc::new(Pages::default());
    let url = serve(router(ArcApi(pages.clone()))).await;
    pages.base.set(url.clone()).unwrap();
    (Client::new(url), pages)
}

/// Serves the shared state, so the test can read the request count.
struct ArcApi(Arc<Pages>);

macro_rules! forward {
    ($($method:ident($input:ty) -> $output:ty;)*) => {
        impl Api for ArcApi {
            $(async fn $method(self: Arc<Self>, input: $input) -> $output {
                self.0.clone().$method(input).await
            })*
        }
    };
}

forward! {
    get_single(GetSingleInput) -> GetSingleResponse;
    list_files(ListFilesInput) -> ListFilesResponse;
    list_customers(ListCustomersInput) -> ListCustomersResponse;
    list_repos(ListReposInput) -> ListReposResponse;
    list_events(ListEventsInput) -> ListEventsResponse;
    list_vaults(ListVaultsInput) -> ListVaultsResponse;
    list_members(ListMembersInput) -> ListMembersResponse;
    list_items(ListItemsInput) -> ListItemsResponse;
    list_numbered(ListNumberedInput) -> ListNumberedResponse;
    list_custom(ListCustomInput) -> ListCustomResponse;
    list_mixed(ListMixedInput) -> ListMixedResponse;
    list_team_members(ListTeamMembersInput) -> ListTeamMembersResponse;
}

/// Every item's id, failing on an error item.
async fn read_ids<R: std::fmt::Debug>(
    pages: openapi_gen_runtime::client::page::Pages<Item, R>,
) -> Vec<String> {
    pages.map(|item| item.unwrap().id).collect().await
}

#[tokio::test]
async fn every_convention_reads_all_items_in_order() {
    let (client, pages) = start().await;
    let mut before = 0;
    // Each convention's items, and the requests it needs: three pages, plus an empty fourth
    // where only an empty page says the end.
    let mut check = |convention: &str, items: Vec<String>, requests: usize| {
        assert_eq!(items, ids(), "{convention}");
        let now = pages.requests.load(Ordering::SeqCst);
        assert_eq!(now - before, requests, "{convention}: requests");
        before = now;
    };
    let items = read_ids(client.list_files_all(&ListFilesOptions::default())).await;
    check("cursor + last_id + has_more (OpenAI)", items, 3);
    let items = read_ids(client.list_customers_all(&ListCustomersOptions::default())).await;
    check("starting_after + last item's id + has_more (Stripe)", items, 3);
    let options = ListReposOptions {
        per_page: Some(3),
        ..Default::default()
    };
    let items = read_ids(client.list_repos_all("acme", &options)).await;
    check("Link header, relative then absolute (GitHub)", items, 3);
    let items = read_ids(client.list_events_all(&ListEventsOptions::default())).await;
    check("links.next URL (Qovery)", items, 3);
    let options = ListVaultsOptions {
        tenant: Some("acme".into()),
    };
    let items = read_ids(client.list_vaults_all(&options)).await;
    check("nextLink (Azure)", items, 3);
    let items = read_ids(client.list_members_all(&ListMembersOptions::default())).await;
    check("response_metadata.next_cursor, empty at the end (Slack)", items, 3);
    let options = ListItemsOptions {
        offset: None,
        limit: Some(3),
    };
    let items = read_ids(client.list_items_all(&options)).await;
    check("offset and limit", items, 4);
    // A deprecated operation (its `_all` is deprecated with it).
    #[allow(deprecated)]
    let items = read_ids(client.list_numbered_all(&ListNumberedOptions::default())).await;
    check("page numbers", items, 4);
    let items = read_ids(client.list_custom_all(&ListCustomOptions::default())).await;
    check("x-pagination rule", items, 3);
}

#[tokio::test]
async fn arguments_named_like_the_methods_locals_reach_every_page() {
    let (client, pages) = start().await;
    let items =
        read_ids(client.list_team_members_all("t1", "s", 7, &ListTeamMembersOptions::default()))
            .await;
    assert_eq!(items, ids());
    assert_eq!(pages.requests.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_page_is_fetched_only_when_read() {
    let (client, pages) = start().await;
    let mut stream = client.list_files_all(&ListFilesOptions::default());
    assert_eq!(pages.requests.load(Ordering::SeqCst), 0);
    for expected in ["i1", "i2", "i3"] {
        assert_eq!(stream.next().await.unwrap().unwrap().id, expected);
    }
    assert_eq!(pages.requests.load(Ordering::SeqCst), 1);
    assert_eq!(stream.next().await.unwrap().unwrap().id, "i4");
    assert_eq!(pages.requests.load(Ordering::SeqCst), 2);
    assert_eq!(stream.pages_read(), 2);
}

#[tokio::test]
async fn the_callers_options_start_the_walk() {
    let (client, _) = start().await;
    let rest = read_ids(client.list_files_all(&ListFilesOptions {
        after: Some("i4".into()),
        limit: None,
    }))
    .await;
    assert_eq!(rest, ["i5", "i6", "i7", "i8", "i9"]);
    let rest = read_ids(client.list_items_all(&ListItemsOptions {
        offset: Some(6),
        limit: None,
    }))
    .await;
    assert_eq!(rest, ["i7", "i8", "i9"]);
}

#[tokio::test]
async fn a_documented_error_ends_the_stream_with_it() {
    let (client, _) = start().await;
    let results: Vec<_> = client
        .list_files_all(&ListFilesOptions {
            after: None,
            limit: Some(13),
        })
        .collect()
        .await;
    assert_eq!(results.len(), 7, "{results:?}");
    assert!(results[..6].iter().all(Result::is_ok));
    assert!(
        matches!(
            results[6],
            Err(PageError::Answer(ListFilesResponse::Unauthorized))
        ),
        "{:?}",
        results[6]
    );
}

#[tokio::test]
async fn a_next_page_on_another_origin_is_not_followed() {
    let (client, pages) = start().await;
    let results: Vec<_> = client
        .list_vaults_all(&ListVaultsOptions {
            tenant: Some("evil".into()),
        })
        .collect()
        .await;
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(
        matches!(&results[3], Err(PageError::Call(Error::InvalidRequest(m))) if m.contains("another origin")),
        "{:?}",
        results[3]
    );
    assert_eq!(pages.requests.load(Ordering::SeqCst), 1);
}
