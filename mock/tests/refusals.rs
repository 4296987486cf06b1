//! Refusals a plain HTTP client must see whole: 413 for a large body, 401 for a malformed
//! Authorization header, and a bind error that names the port.

use graph_online_meetings_mock::{MockConfig, MockServer};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

fn http_client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

async fn graph_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let request_id = response
        .headers()
        .get("request-id")
        .expect("request-id header")
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.expect("a JSON error body");
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(error["innerError"]["request-id"], request_id.as_str());
    assert!(error["innerError"]["date"].is_string());
    body
}

#[tokio::test]
async fn an_8_mib_body_gets_a_413_the_client_can_read() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let url = format!("{}/beta/me/onlineMeetings/createOrGet", server.base_url());
    let body = format!(
        r#"{{"externalId":"x","subject":"{}"}}"#,
        "a".repeat(8 << 20)
    );
    let length = body.len();
    let client = http_client();
    for _ in 0..5 {
        // Several times on one client: each 413 arrives whole, and the drained
        // connection is fit for the next call.
        let response = client
            .post(&url)
            .header(AUTHORIZATION, "Bearer alice@contoso.com")
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_LENGTH, length)
            .body(body.clone())
            .send()
            .await
            .expect("the 413 arrives instead of a reset");
        let error = graph_error(
            response,
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
        )
        .await;
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains("65536 bytes"), "{message}");
    }
    assert_eq!(server.meeting_count(), 0);
}

/// A client that writes its whole request before it reads (as curl and most simple
/// clients do) sees a reset unless the server reads the body to its end first.
#[tokio::test]
async fn a_client_that_sends_all_8_mib_first_still_reads_the_413() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let body = format!(
        r#"{{"externalId":"x","subject":"{}"}}"#,
        "a".repeat(8 << 20)
    );
    let mut request = format!(
        "POST /beta/me/onlineMeetings/createOrGet HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer alice@contoso.com\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr(),
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body.as_bytes());

    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(&request)
        .await
        .expect("the server takes the whole body");
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .expect("the answer arrives, not a reset");
    let answer = String::from_utf8(answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let error: Value = serde_json::from_str(json).unwrap();
    assert_eq!(error["error"]["code"], "RequestEntityTooLarge");
    assert!(error["error"]["innerError"]["request-id"].is_string());
}

#[tokio::test]
async fn malformed_authorization_headers_get_a_401() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let url = format!("{}/beta/me/onlineMeetings/createOrGet", server.base_url());
    let client = http_client();
    for (value, reason) in [
        (&b"Bearer"[..], "empty"),
        (b"Bearer Bearer alice@contoso.com", "starts with 'Bearer '"),
        (b"bearer BEARER alice@contoso.com", "starts with 'Bearer '"),
        (b"Bearer  alice@contoso.com", "exactly one space"),
        (b"Bearer alice@contoso.com extra", "cannot contain spaces"),
        (b"Bearer al\xffce@contoso.com", "visible ASCII"),
        (b"Token alice@contoso.com", "Bearer scheme"),
    ] {
        let response = client
            .post(&url)
            .header(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap())
            .header(CONTENT_TYPE, "application/json")
            .body(r#"{"externalId":"x"}"#)
            .send()
            .await
            .unwrap();
        let shown = String::from_utf8_lossy(value).into_owned();
        assert!(
            response.headers().contains_key("www-authenticate"),
            "{shown}"
        );
        let body = graph_error(
            response,
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
        )
        .await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{shown}: {message}");
    }
    assert_eq!(server.meeting_count(), 0, "no header made a meeting");
}

#[tokio::test]
async fn a_taken_port_is_named_in_the_bind_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let config = MockConfig {
        port,
        ..MockConfig::default()
    };
    let error = match MockServer::start(config).await {
        Ok(_) => panic!("port {port} is taken, yet the mock started"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    let message = error.to_string();
    assert!(
        message.contains(&format!("port {port} ")) && message.contains("already in use"),
        "{message}"
    );
}
