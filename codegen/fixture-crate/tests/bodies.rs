//! Bodies by media type, parameter styles and responses by status reach the
//! wire (and come back) exactly as the kitchen sink's spec says.

mod common;

use clover_api_runtime::{Binary, Bytes};
use fixture_crate::models::{Color, Filter, GetFileParams, GetShapesResponse, Point, Upload};
use fixture_crate::{Client, Error, Refusal};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    let environment = common::every_host_at(&server.uri());
    Client::builder().environment(environment).build().unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request.headers[name].to_str().unwrap()
}

fn point(x: i64, y: i64) -> Point {
    Point {
        x: Some(x),
        y: Some(y),
    }
}

#[tokio::test]
async fn path_pieces_query_styles_header_and_cookie_lists_are_written_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("héllo", "text/plain"))
        .mount(&server)
        .await;
    let params = GetFileParams {
        words: Some(vec!["a".into(), "b c".into()]),
        pipes: Some(vec![Color::Red, Color::Green]),
        filter: Some(
            Filter::new("f")
                .colors(vec![Color::Red, Color::Green])
                .size(2),
        ),
        point: Some(point(1, 2)),
        r#box: Some(point(3, 4)),
        x_tags: Some(vec!["t1".into(), "t2".into()]),
        prefs: Some(vec!["p".into(), "q".into()]),
    };
    let text = client(&server)
        .await
        .get_file("AC/1", "notes", 3, &[1, 2], "s 1", &params)
        .await
        .unwrap();
    assert_eq!(text, "héllo");
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/v1/Accounts/AC%2F1/Files/notes-3.json",
        "each path value is one piece of its segment"
    );
    assert_eq!(
        request.url.query(),
        Some(
            "ids=1,2&words=a%20b+c&pipes=red|green\
             &filter[name]=f&filter[colors]=red&filter[colors]=green&filter[size]=2\
             &x=1&y=2&box=x,3,y,4"
        )
    );
    assert_eq!(header(&request, "x-tags"), "t1,t2");
    assert_eq!(header(&request, "cookie"), "session=s%201; prefs=p%2Cq");
    assert_eq!(header(&request, "accept"), "text/plain");
}

#[tokio::test]
async fn a_path_value_that_would_leave_its_endpoint_and_an_invalid_object_parameter_are_refused() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    let refused = client
        .get_file("AC", "..", 3, &[1], "s", &GetFileParams::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::Refused { reason: Refusal::InvalidInput(invalid), .. } if invalid.field == "name"),
        "{refused:?}"
    );
    let params = GetFileParams {
        filter: Some(Filter::new("much too long")),
        ..GetFileParams::default()
    };
    let refused = client
        .get_file("AC", "notes", 3, &[1], "s", &params)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("filter.name"), "{refused}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn no_content_decodes_as_unit_and_a_list_path_parameter_is_comma_joined() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/Accounts/AC/Files/notes-3.json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    client.delete_file("AC", "notes", 3).await.unwrap();

    Mock::given(method("GET"))
        .and(path("/v1/shapes/a,b%2F"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let shapes = client.get_shapes(&["a".into(), "b/".into()]).await.unwrap();
    assert_eq!(shapes, GetShapesResponse::Accepted);
}

#[tokio::test]
async fn each_status_decodes_its_own_way_and_an_undeclared_one_is_a_decode_error() {
    let server = MockServer::start().await;
    let answers = [
        ResponseTemplate::new(200).set_body_json(json!({"x": 1, "y": 2})),
        ResponseTemplate::new(203).set_body_raw(vec![0x89, b'P', b'N', b'G'], "image/png"),
        ResponseTemplate::new(206).set_body_raw("part", "text/plain"),
    ];
    for answer in answers {
        Mock::given(method("GET"))
            .respond_with(answer)
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let client = client(&server).await;
    let ids = ["a".to_owned()];
    assert_eq!(
        client.get_shapes(&ids).await.unwrap(),
        GetShapesResponse::Ok(point(1, 2))
    );
    assert_eq!(
        client.get_shapes(&ids).await.unwrap(),
        GetShapesResponse::NonAuthoritative(Bytes::from_static(b"\x89PNG"))
    );
    let error = client.get_shapes(&ids).await.unwrap_err();
    let Error::Decode {
        status, problem, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 206);
    assert_eq!(problem, "the spec declares no response for status 206");
    assert!(
        error.may_have_taken_effect(),
        "an undecodable success still happened"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        header(&requests[0], "accept"),
        "application/json, image/png"
    );
}

#[tokio::test]
async fn a_multipart_body_has_a_part_per_property_and_files_keep_their_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/uploads"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"x": 7})))
        .mount(&server)
        .await;
    let upload = Upload::new("scan", Binary::new(vec![0u8, 255, 13, 10]))
        .thumbnail(
            Binary::new(&b"tiny"[..])
                .file_name("t.png")
                .content_type("image/png"),
        )
        .tags(vec!["a".into(), "b".into()])
        .color(Color::Green)
        .origin(point(1, 2));
    let stored = client(&server).await.upload(&upload).await.unwrap();
    assert_eq!(stored.x, Some(7));
    let request = only_request(&server).await;
    let boundary = header(&request, "content-type")
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type with its boundary")
        .to_owned();
    let part = |headers: &str, content: &[u8]| {
        [
            format!("--{boundary}\r\nContent-Disposition: form-data; {headers}\r\n\r\n")
                .into_bytes(),
            content.to_vec(),
            b"\r\n".to_vec(),
        ]
        .concat()
    };
    let expected = [
        part("name=\"title\"", b"scan"),
        part(
            "name=\"data\"; filename=\"data\"\r\nContent-Type: application/octet-stream",
            &[0, 255, 13, 10],
        ),
        part(
            "name=\"thumbnail\"; filename=\"t.png\"\r\nContent-Type: image/png",
            b"tiny",
        ),
        part("name=\"tags\"", b"a"),
        part("name=\"tags\"", b"b"),
        part("name=\"color\"", b"green"),
        part(
            "name=\"origin\"\r\nContent-Type: application/json",
            br#"{"x":1,"y":2}"#,
        ),
        format!("--{boundary}--\r\n").into_bytes(),
    ]
    .concat();
    assert_eq!(request.body, expected);
}

#[tokio::test]
async fn bytes_and_text_are_sent_as_they_are_with_their_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/uploads"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![9u8, 0], "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/notes"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"x": 5}"#, "application/vnd.notes+json"),
        )
        .mount(&server)
        .await;
    let client = client(&server).await;
    let back = client
        .put_raw(Bytes::from_static(&[0, 1, 255]))
        .await
        .unwrap();
    assert_eq!(back, Bytes::from_static(&[9, 0]));
    let note = client.create_note(Some("hi there")).await.unwrap();
    assert_eq!(note.x, Some(5));
    client.create_note(None).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        header(&requests[0], "content-type"),
        "application/octet-stream"
    );
    assert_eq!(header(&requests[0], "accept"), "application/octet-stream");
    assert_eq!(requests[0].body, [0, 1, 255]);
    assert_eq!(header(&requests[1], "content-type"), "text/plain");
    assert_eq!(header(&requests[1], "accept"), "application/vnd.notes+json");
    assert_eq!(requests[1].body, b"hi there");
    assert!(!requests[2].headers.contains_key("content-type"));
    assert!(requests[2].body.is_empty(), "an optional body left out");
}

#[tokio::test]
async fn a_form_is_preferred_to_multipart_and_json_to_a_form() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(body_json(json!({"x": 1, "y": 2})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"y": 3})))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let filter = Filter::new("n 1&")
        .colors(vec![Color::Red, Color::Green])
        .size(5);
    client.replace_note(&filter).await.unwrap();
    let patched = client.patch_note(&point(1, 2)).await.unwrap();
    assert_eq!(patched.y, Some(3));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        header(&requests[0], "content-type"),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        "name=n+1%26&colors=red&colors=green&size=5"
    );
    assert_eq!(
        header(&requests[1], "content-type"),
        "application/merge-patch+json"
    );

    let refused = client
        .replace_note(&Filter::new("far too long"))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::Refused { reason: Refusal::InvalidInput(invalid), .. } if invalid.field == "name"),
        "{refused:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
