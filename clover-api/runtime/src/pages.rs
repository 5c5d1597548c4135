//! Listings as streams: page after page by cursor, without the repeated
//! cursor item, stopping with an error rather than looping.

use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use crate::api::Api;
use crate::error::Error;
use crate::request::Call;

/// One page of a listing, as a generated list response describes it.
pub trait Page {
    type Item;

    /// Whether another page follows this one.
    fn has_more(&self) -> bool;

    fn items_mut(&mut self) -> &mut Vec<Self::Item>;

    /// The value of an item that the next request's cursor takes (its id).
    fn cursor(item: &Self::Item) -> Option<&str>;
}

/// The pages of a listing, fetched one at a time as the stream is polled.
/// [`Pages::items`] flattens them into the items themselves.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<'a, A: Api, P> {
    inner: Pin<Box<dyn Stream<Item = Result<P, Error<A>>> + Send + 'a>>,
}

impl<'a, A: Api, P: Page + Send + 'a> Pages<'a, A, P>
where
    P::Item: Send,
{
    /// Pages from `first_cursor` on (`None`: from the start). `fetch` makes
    /// the call for one cursor. A page that repeats the item its cursor named
    /// (Clover's listings begin with it) loses that item.
    pub fn new<F>(operation: &'static str, first_cursor: Option<String>, fetch: F) -> Self
    where
        P: DeserializeOwned,
        F: FnMut(Option<String>) -> Call<'a, A, P> + Send + 'a,
    {
        let walk = Walk {
            operation,
            next: Next::Fetch(first_cursor),
            followed: HashSet::new(),
            fetch,
        };
        let inner = stream::try_unfold(walk, Walk::step);
        Pages {
            inner: Box::pin(inner),
        }
    }

    /// Every item of every page, in order.
    pub fn items(self) -> impl Stream<Item = Result<P::Item, Error<A>>> + Send + 'a {
        self.map_ok(|mut page| {
            let items = std::mem::take(page.items_mut());
            stream::iter(items.into_iter().map(Ok))
        })
        .try_flatten()
    }
}

impl<A: Api, P> Stream for Pages<'_, A, P> {
    type Item = Result<P, Error<A>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<A: Api, P> std::fmt::Debug for Pages<'_, A, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

enum Next {
    Fetch(Option<String>),
    /// The last page handed out ended on a cursor already followed.
    Stuck(String),
    Done,
}

struct Walk<F> {
    operation: &'static str,
    next: Next,
    /// Every cursor requested so far, to notice a listing that goes round.
    followed: HashSet<String>,
    fetch: F,
}

impl<F> Walk<F> {
    async fn step<'a, A, P>(mut self) -> Result<Option<(P, Self)>, Error<A>>
    where
        A: Api,
        P: Page + DeserializeOwned + 'a,
        F: FnMut(Option<String>) -> Call<'a, A, P>,
    {
        let cursor = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return Ok(None),
            Next::Stuck(cursor) => {
                return Err(Error::CursorStuck {
                    operation: self.operation,
                    cursor,
                });
            }
            Next::Fetch(cursor) => cursor,
        };
        let mut page = (self.fetch)(cursor.clone()).await?;
        let items = page.items_mut();
        if cursor.is_some() && items.first().and_then(P::cursor) == cursor.as_deref() {
            items.remove(0);
        }
        let last = items.last().and_then(P::cursor).map(str::to_owned);
        self.followed.extend(cursor.clone());
        self.next = match last {
            _ if !page.has_more() => Next::Done,
            Some(last) if !self.followed.contains(&last) => Next::Fetch(Some(last)),
            Some(last) => Next::Stuck(last),
            // More pages are promised, but nothing new to continue from.
            None => Next::Stuck(cursor.unwrap_or_default()),
        };
        Ok(Some((page, self)))
    }
}
