//! Query array styles over loopback HTTP: `form` without explode joins with `,`,
//! `spaceDelimited` with a space, `pipeDelimited` with `|`, and an exploded array repeats its key;
//! the client writes each form and the server reads each back.

mod support;

use std::sync::Arc;

use support::serve;

use fixtures::query_styles::client::{Client, SearchOptions};
use fixtures::query_styles::model::SearchOkBody;
use fixtures::query_styles::operations::SearchResponse;
use fixtures::query_styles::server::{router, Api, SearchInput};

struct Echo;

impl Api for Echo {
    async fn search(self: Arc<Self>, input: SearchInput) -> SearchResponse {
        SearchResponse::Ok(SearchOkBody {
            tags: input.tags,
            words: input.words,
            ids: input.ids,
            each: input.each,
        })
    }
}

fn strings(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|s| (*s).to_owned()).collect())
}

#[tokio::test]
async fn every_array_style_crosses_the_wire() {
    let base = serve(router(Echo)).await;
    let options = SearchOptions {
        tags: strings(&["a", "b"]),
        words: strings(&["x", "y z"]),
        ids: Some(vec![1, 2, 3]),
        each: strings(&["p", "q"]),
    };
    let SearchResponse::Ok(body) = Client::new(base.clone()).search(&options).await.unwrap();
    // "y z" holds the separator itself, so it comes back split: the style cannot carry it.
    assert_eq!(body.words, strings(&["x", "y", "z"]));
    assert_eq!((body.tags, body.ids, body.each), (options.tags, options.ids, options.each));

    // The exact text on the wire, as another client would write it.
    let text = reqwest::get(format!("{base}/search?tags=a,b&words=x%20y&ids=1|2&each=p&each=q"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    let expected = serde_json::json!({"tags": ["a", "b"], "words": ["x", "y"], "ids": [1, 2], "each": ["p", "q"]});
    assert_eq!(raw, expected);
}
