//! Create (or find) an online meeting and say which it was.
//!
//! ```text
//! GRAPH_TOKEN=<access token> cargo run -p graph-online-meetings --example create_or_get -- \
//!     --external-id weekly-sync-49 [--subject "Weekly sync"] [--user <id or UPN>] \
//!     [--base-url https://graph.microsoft.com/v1.0]
//! ```
//!
//! Without `--user` it calls `/me` (delegated token); with it,
//! `/users/{id}` (application token). `--base-url http://127.0.0.1:8080/beta`
//! points it at the local mock server.

use std::process::ExitCode;

use graph_online_meetings::{GRAPH_BETA, MeetingRequest, OnlineMeetingsClient};

struct Args {
    external_id: String,
    subject: Option<String>,
    user: Option<String>,
    base_url: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        external_id: String::new(),
        subject: None,
        user: None,
        base_url: GRAPH_BETA.to_string(),
    };
    let mut rest = std::env::args().skip(1);
    while let Some(flag) = rest.next() {
        let mut value = || rest.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--external-id" => args.external_id = value()?,
            "--subject" => args.subject = Some(value()?),
            "--user" => args.user = Some(value()?),
            "--base-url" => args.base_url = value()?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.external_id.is_empty() {
        return Err("--external-id is required".into());
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let Ok(token) = std::env::var("GRAPH_TOKEN") else {
        eprintln!("error: set GRAPH_TOKEN to a Microsoft Graph access token");
        return ExitCode::from(2);
    };
    let client = match OnlineMeetingsClient::builder()
        .bearer_token(token)
        .base_url(&args.base_url)
        .build()
    {
        Ok(client) => client,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };

    let mut request = MeetingRequest::new(&args.external_id);
    if let Some(subject) = &args.subject {
        request = request.subject(subject);
    }
    let call = match &args.user {
        Some(user) => client.create_or_get_for_user(user, request),
        None => client.create_or_get_for_me(request),
    };
    match call.await {
        Ok(response) => {
            let meeting = response.meeting();
            println!(
                "{} meeting {}",
                if response.was_created() {
                    "created"
                } else {
                    "found existing"
                },
                meeting.id.as_deref().unwrap_or("(no id)")
            );
            println!(
                "join: {}",
                meeting.join_web_url.as_deref().unwrap_or("(no join URL)")
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
