//! One attempt: a [`Prepared`] request on the wire, and its response read
//! whole, within a size limit.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::api::Api;
use crate::prepare::Prepared;

/// A response read to its end. No `Debug`: the body may hold tokens or card data.
pub(crate) struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why an attempt got no complete response.
#[derive(Debug)]
pub(crate) enum SendFailure {
    /// The connection failed or was lost. `sent` is false only when no byte
    /// of the request can have reached the server.
    Transport { sent: bool, cause: reqwest::Error },
    /// The body went past the client's limit; the status line was read.
    TooLarge { status: StatusCode, limit: usize },
}

impl SendFailure {
    /// Whether the server may have received the request.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            SendFailure::Transport { sent, .. } => *sent,
            SendFailure::TooLarge { .. } => true,
        }
    }
}

/// Sends the request once and reads the response, failing after `timeout`.
pub(crate) async fn attempt<A: Api>(
    http: &reqwest::Client,
    prepared: &Prepared<A>,
    timeout: Duration,
    limit: usize,
) -> Result<Response, SendFailure> {
    let transport = |cause: reqwest::Error| SendFailure::Transport {
        sent: !cause.is_connect(),
        cause: cause.without_url(),
    };
    let mut response = http
        .execute(prepared.to_request(timeout))
        .await
        .map_err(transport)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let length = response.content_length();
    if length.is_some_and(|length| length > limit as u64) {
        return Err(SendFailure::TooLarge { status, limit });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > limit {
            return Err(SendFailure::TooLarge { status, limit });
        }
        if body.is_empty() && length == Some(chunk.len() as u64) {
            // The whole body in one chunk: keep it without copying.
            return Ok(Response {
                status,
                headers,
                body: chunk,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        status,
        headers,
        body: body.freeze(),
    })
}
