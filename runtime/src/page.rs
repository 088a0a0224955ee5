//! Pagination: an operation's pages read as one stream of items, each page fetched when the
//! items before it have been taken.
//!
//! A generated `<method>_all` builds [`Pages`] from a closure that makes the call for one page
//! ([`PageAt`]: the first, a cursor, an offset, a page number or a URL) and reads the items and
//! the next position from its answer; the stream here does the rest: order, buffering, the end.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;

use super::Error;

/// Which page to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt {
    /// The first, as the caller's parameters say.
    First,
    /// The page after this cursor.
    Cursor(String),
    /// The page starting at this many items in.
    Offset(u64),
    /// The page with this number.
    Number(u64),
    /// The page at this URL (a `Link` header's or a field's), relative to the last request's.
    Url(String),
}

impl PageAt {
    /// The position a next-page value names: a URL when it reads as one (absolute, or starting
    /// with `/` or `?`), else a cursor; nothing when it is empty.
    pub fn from_next(value: String) -> Option<Self> {
        if value.is_empty() {
            None
        } else if value.starts_with("http://") || value.starts_with("https://") || value.starts_with('/') || value.starts_with('?') {
            Some(PageAt::Url(value))
        } else {
            Some(PageAt::Cursor(value))
        }
    }
}

/// One page as the generated code read it.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page is; `None` on the last.
    pub next: Option<PageAt>,
}

/// Why a stream of pages ended early.
#[derive(Debug)]
pub enum PageError<R> {
    /// A page's call failed.
    Call(Error),
    /// A page was answered with a documented status that is not a page (`401`, `404`, ...).
    Answer(R),
}

impl<R> From<Error> for PageError<R> {
    fn from(error: Error) -> Self {
        PageError::Call(error)
    }
}

impl<R: fmt::Debug> fmt::Display for PageError<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Call(error) => write!(f, "a page could not be read: {error}"),
            PageError::Answer(answer) => write!(f, "a page was answered with {answer:?}"),
        }
    }
}

impl<R: fmt::Debug> std::error::Error for PageError<R> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::Call(error) => Some(error),
            PageError::Answer(_) => None,
        }
    }
}

type PageFuture<T, R> = Pin<Box<dyn Future<Output = Result<Page<T>, PageError<R>>> + Send>>;

/// Every item of an operation's pages, in order, as a `Stream` (`futures::StreamExt::next`,
/// `TryStreamExt::try_next`). A page is asked for only when the items before it are taken;
/// the stream ends after the last page, at a page that names itself as the next, or after the
/// first error.
#[must_use = "a stream of pages does nothing until it is read"]
pub struct Pages<T, R> {
    fetch: Box<dyn FnMut(PageAt) -> PageFuture<T, R> + Send>,
    pending: Option<(PageAt, PageFuture<T, R>)>,
    buffer: VecDeque<T>,
    next: Option<PageAt>,
    pages: u32,
}

impl<T, R> fmt::Debug for Pages<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").field("pages", &self.pages).field("buffered", &self.buffer.len()).finish_non_exhaustive()
    }
}

impl<T, R> Pages<T, R> {
    /// How many pages have been read so far.
    pub fn pages_read(&self) -> u32 {
        self.pages
    }
}

/// The stream over the pages `fetch` reads, from the first.
#[doc(hidden)]
pub fn pages<T, R, F, Fut>(mut fetch: F) -> Pages<T, R>
where
    F: FnMut(PageAt) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, PageError<R>>> + Send + 'static,
{
    Pages { fetch: Box::new(move |at| Box::pin(fetch(at))), pending: None, buffer: VecDeque::new(), next: Some(PageAt::First), pages: 0 }
}

impl<T, R> Unpin for Pages<T, R> {}

impl<T, R> Stream for Pages<T, R> {
    type Item = Result<T, PageError<R>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.pending.is_none() {
                match this.next.take() {
                    Some(at) => this.pending = Some((at.clone(), (this.fetch)(at))),
                    None => return Poll::Ready(None),
                }
            }
            let (at, future) = this.pending.as_mut().expect("set above");
            let page = match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            let at = at.clone();
            this.pending = None;
            match page {
                Ok(page) => {
                    this.pages += 1;
                    // A page that names itself as the next would repeat forever.
                    this.next = page.next.filter(|next| *next != at);
                    this.buffer.extend(page.items);
                }
                Err(error) => return Poll::Ready(Some(Err(error))),
            }
        }
    }
}

/// A value that can be a cursor: read from an answer, set on a parameter.
pub trait PageCursor: Sized {
    fn to_cursor(&self) -> String;
    fn from_cursor(text: &str) -> Option<Self>;
}

impl PageCursor for String {
    fn to_cursor(&self) -> String {
        self.clone()
    }
    fn from_cursor(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

macro_rules! parsed_cursor {
    ($($ty:ty),*) => {$(
        impl PageCursor for $ty {
            fn to_cursor(&self) -> String {
                self.to_string()
            }
            fn from_cursor(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )*};
}
parsed_cursor!(i32, i64, uuid::Uuid);

/// A number parameter that counts items or pages.
pub trait PageNumber: Sized {
    fn to_u64(&self) -> u64;
    fn from_u64(n: u64) -> Self;
}

macro_rules! page_number {
    ($($ty:ty),*) => {$(
        impl PageNumber for $ty {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            fn to_u64(&self) -> u64 {
                if *self > (0 as $ty) { *self as u64 } else { 0 }
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            fn from_u64(n: u64) -> Self {
                n as $ty
            }
        }
    )*};
}
page_number!(i32, i64, f32, f64);

/// The `rel="next"` URL of a `Link` header (RFC 8288), as GitHub and others page.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()).find_map(|value| {
        let mut rest = value;
        while let Some(open) = rest.find('<') {
            let close = open + rest[open..].find('>')?;
            let url = &rest[open + 1..close];
            let params_end = rest[close..].find('<').map_or(rest.len(), |n| close + n);
            // The parameters, without the comma before the next link.
            let params = rest[close + 1..params_end].trim_end().trim_end_matches(',');
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value.trim().trim_matches('"').split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(url.to_owned());
            }
            rest = &rest[params_end..];
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_next_link_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            HeaderValue::from_static(
                r#"<https://api.github.com/orgs/x/repos?page=1>; rel="prev", <https://api.github.com/orgs/x/repos?page=3>; rel="next", <https://api.github.com/orgs/x/repos?page=9>; rel="last""#,
            ),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("https://api.github.com/orgs/x/repos?page=3"));
        headers.insert(reqwest::header::LINK, HeaderValue::from_static(r#"</items?after=5>; rel=next"#));
        assert_eq!(next_link(&headers).as_deref(), Some("/items?after=5"));
        headers.insert(reqwest::header::LINK, HeaderValue::from_static(r#"<https://a/b?p=2>; title="x, y"; rel="prev next""#));
        assert_eq!(next_link(&headers).as_deref(), Some("https://a/b?p=2"));
        headers.insert(reqwest::header::LINK, HeaderValue::from_static(r#"<https://a/b?p=1>; rel="prev""#));
        assert_eq!(next_link(&headers), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn a_next_value_is_a_url_or_a_cursor() {
        assert_eq!(PageAt::from_next("https://x/y?c=1".into()), Some(PageAt::Url("https://x/y?c=1".into())));
        assert_eq!(PageAt::from_next("/y?c=1".into()), Some(PageAt::Url("/y?c=1".into())));
        assert_eq!(PageAt::from_next("abc".into()), Some(PageAt::Cursor("abc".into())));
        assert_eq!(PageAt::from_next(String::new()), None);
    }

    #[test]
    fn numbers_and_cursors_convert() {
        assert_eq!(PageNumber::to_u64(&-3i32), 0);
        assert_eq!(<f64 as PageNumber>::from_u64(20), 20.0);
        assert_eq!(<i64 as PageCursor>::from_cursor("42"), Some(42));
        assert_eq!(<i64 as PageCursor>::from_cursor("x"), None);
    }
}
