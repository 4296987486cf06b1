use super::*;

/// `{"access_token":{"nbf":{"essential":true,"value":"1702682181"}}}`, as
/// Graph's CAE documentation shows it.
const CLAIMS: &str = r#"{"access_token":{"nbf":{"essential":true,"value":"1702682181"}}}"#;
const ENCODED: &str =
    "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAyNjgyMTgxIn19fQ==";

fn challenged(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(WWW_AUTHENTICATE, HeaderValue::from_str(value).unwrap());
    headers
}

fn cae(claims: &str) -> String {
    format!(
        r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{claims}""#
    )
}

#[test]
fn a_cae_challenge_is_read_and_its_claims_decoded() {
    let header = cae(ENCODED);
    let challenge = claims_challenge(StatusCode::UNAUTHORIZED, &challenged(&header)).unwrap();
    assert_eq!(challenge.claims.as_deref(), Some(CLAIMS));
    assert_eq!(challenge.encoded_claims, ENCODED);
    assert_eq!(challenge.header, header);
    // Unpadded base64 and any case of the scheme and names are read too.
    let unpadded = cae(ENCODED.trim_end_matches('='))
        .replace("Bearer", "bearer")
        .replace("error=", "Error=");
    let challenge = claims_challenge(StatusCode::UNAUTHORIZED, &challenged(&unpadded)).unwrap();
    assert_eq!(challenge.claims.as_deref(), Some(CLAIMS));
}

#[test]
fn anything_but_a_401_with_insufficient_claims_and_claims_is_no_challenge() {
    let cases = [
        (
            401,
            r#"Bearer realm="mock", error="invalid_token""#.to_string(),
        ),
        (401, r#"Bearer error="insufficient_claims""#.to_string()),
        (
            401,
            r#"Bearer error="insufficient_claims", claims="""#.to_string(),
        ),
        (
            401,
            format!(r#"Basic realm="x", error="insufficient_claims", claims="{ENCODED}""#),
        ),
        (403, cae(ENCODED)),
        (200, cae(ENCODED)),
    ];
    for (status, header) in cases {
        let status = StatusCode::from_u16(status).unwrap();
        assert_eq!(
            claims_challenge(status, &challenged(&header)),
            None,
            "{status} {header}"
        );
    }
    assert_eq!(
        claims_challenge(StatusCode::UNAUTHORIZED, &HeaderMap::new()),
        None
    );
}

#[test]
fn undecodable_claims_are_a_challenge_without_claims() {
    let challenge =
        claims_challenge(StatusCode::UNAUTHORIZED, &challenged(&cae("not*base64"))).unwrap();
    assert_eq!(challenge.claims, None);
    assert_eq!(challenge.encoded_claims, "not*base64");
}

#[test]
fn quoted_values_keep_commas_and_escapes() {
    let params = bearer_params(r#"Bearer a="x, \"y\"", b=plain , c="""#).unwrap();
    assert_eq!(
        params,
        [
            ("a".to_string(), r#"x, "y""#.to_string()),
            ("b".to_string(), "plain".to_string()),
            ("c".to_string(), String::new()),
        ]
    );
    assert_eq!(bearer_params("Negotiate abc"), None);
    assert_eq!(bearer_params("Bear"), None);
}

/// A scripted answer: a status and a `WWW-Authenticate` value.
struct Scripted(StatusCode, HeaderMap);

impl Answer for Scripted {
    fn status_and_headers(&self) -> Option<(StatusCode, &HeaderMap)> {
        Some((self.0, &self.1))
    }
}

fn challenge_answer() -> Scripted {
    Scripted(StatusCode::UNAUTHORIZED, challenged(&cae(ENCODED)))
}

#[derive(Debug, Default)]
struct Probe(Option<HeaderValue>);

impl Authorize for Probe {
    fn set_authorization(&mut self, value: HeaderValue) {
        self.0 = Some(value);
    }
}

async fn run(
    first: Scripted,
    spare: Option<Probe>,
    new_token: Result<&'static str, &'static str>,
    second: Scripted,
) -> (Scripted, u32, ChallengeOutcome, Vec<String>, Vec<Probe>) {
    let mut asked = Vec::new();
    let mut sent = Vec::new();
    let (answer, attempts, outcome) = answer_claims(
        (first, 1),
        spare,
        |claims| {
            asked.push(claims);
            async move {
                new_token
                    .map(HeaderValue::from_static)
                    .map_err(TokenError::new)
            }
        },
        |probe| {
            sent.push(probe);
            async move { (second, 2) }
        },
    )
    .await;
    (answer, attempts, outcome, asked, sent)
}

#[tokio::test]
async fn a_challenge_asks_again_with_the_claims_and_resends_once() {
    let ok = Scripted(StatusCode::CREATED, HeaderMap::new());
    let (answer, attempts, outcome, asked, sent) = run(
        challenge_answer(),
        Some(Probe::default()),
        Ok("Bearer new"),
        ok,
    )
    .await;
    assert_eq!(answer.0, StatusCode::CREATED);
    assert_eq!(attempts, 3, "the first attempt and the resend's two");
    assert!(matches!(outcome, ChallengeOutcome::Answered));
    assert_eq!(asked, [CLAIMS]);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0.as_ref().unwrap(), "Bearer new");
}

#[tokio::test]
async fn a_second_challenge_fails_as_repeated() {
    let (answer, _, outcome, asked, sent) = run(
        challenge_answer(),
        Some(Probe::default()),
        Ok("Bearer new"),
        challenge_answer(),
    )
    .await;
    assert_eq!(answer.0, StatusCode::UNAUTHORIZED);
    assert!(matches!(
        outcome,
        ChallengeOutcome::Failed(_, ChallengeFailure::Repeated)
    ));
    assert_eq!(
        (asked.len(), sent.len()),
        (1, 1),
        "asked and resent once only"
    );
}

#[tokio::test]
async fn without_a_spare_or_decodable_claims_nothing_is_asked_or_sent() {
    let ok = || Scripted(StatusCode::CREATED, HeaderMap::new());
    let (_, attempts, outcome, asked, sent) =
        run(challenge_answer(), None, Ok("Bearer new"), ok()).await;
    assert!(matches!(
        outcome,
        ChallengeOutcome::Failed(_, ChallengeFailure::FixedToken)
    ));
    assert_eq!((attempts, asked.len(), sent.len()), (1, 0, 0));

    let garbled = Scripted(StatusCode::UNAUTHORIZED, challenged(&cae("%%%")));
    let (_, _, outcome, asked, sent) =
        run(garbled, Some(Probe::default()), Ok("Bearer new"), ok()).await;
    assert!(matches!(
        outcome,
        ChallengeOutcome::Failed(_, ChallengeFailure::UndecodableClaims)
    ));
    assert_eq!((asked.len(), sent.len()), (0, 0));
}

#[tokio::test]
async fn a_failing_source_ends_the_call_with_its_error_and_no_resend() {
    let ok = Scripted(StatusCode::CREATED, HeaderMap::new());
    let (answer, _, outcome, _, sent) = run(
        challenge_answer(),
        Some(Probe::default()),
        Err("no refresh token"),
        ok,
    )
    .await;
    assert_eq!(answer.0, StatusCode::UNAUTHORIZED);
    assert!(
        matches!(outcome, ChallengeOutcome::TokenFailed(ref e) if e.to_string() == "no refresh token")
    );
    assert!(sent.is_empty());
}

#[tokio::test]
async fn an_ordinary_answer_passes_through() {
    let ok = || Scripted(StatusCode::OK, HeaderMap::new());
    let (answer, attempts, outcome, asked, sent) =
        run(ok(), Some(Probe::default()), Ok("x"), ok()).await;
    assert_eq!((answer.0, attempts), (StatusCode::OK, 1));
    assert!(matches!(outcome, ChallengeOutcome::None));
    assert!(asked.is_empty() && sent.is_empty());
}
