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
//! points it at the local mock server. `--help` describes every flag.

use std::env::VarError;
use std::process::ExitCode;

use clap::Parser;
use graph_online_meetings::{GRAPH_BETA, MeetingRequest, OnlineMeetingsClient};

/// The variable the access token is read from.
const TOKEN_VARIABLE: &str = "GRAPH_TOKEN";

/// Create an online meeting under your own ID, or get the one that already
/// exists, and print its id and join URL.
#[derive(Debug, Parser)]
#[command(
    name = "create_or_get",
    after_help = "The access token is read from the GRAPH_TOKEN environment variable."
)]
struct Args {
    /// Your ID for the meeting: the same ID always gives the same meeting
    #[arg(long, value_name = "ID")]
    external_id: String,
    /// The meeting's subject (used only when the meeting is created)
    #[arg(long)]
    subject: Option<String>,
    /// Create the meeting for this user (Entra object id or UPN) with an
    /// application token; without it, for the signed-in user (/me)
    #[arg(long, value_name = "ID_OR_UPN")]
    user: Option<String>,
    /// The Graph root, or a local server such as http://127.0.0.1:8080/beta
    #[arg(long, value_name = "URL", default_value = GRAPH_BETA)]
    base_url: String,
}

/// The token, or a message saying which variable to set.
fn token_from(variable: Result<String, VarError>) -> Result<String, String> {
    match variable {
        Ok(token) if !token.trim().is_empty() => Ok(token),
        Ok(_) | Err(VarError::NotPresent) => Err(format!(
            "set {TOKEN_VARIABLE} to a Microsoft Graph access token \
             (for the mock server, a user such as alice@contoso.com)"
        )),
        Err(VarError::NotUnicode(_)) => Err(format!(
            "{TOKEN_VARIABLE} is not valid UTF-8; set it to a Microsoft Graph access token"
        )),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Prints usage and exits 0 for --help; exits 2 naming a bad flag.
    let args = Args::parse();
    let token = match token_from(std::env::var(TOKEN_VARIABLE)) {
        Ok(token) => token,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("create_or_get").chain(args.iter().copied()))
    }

    #[test]
    fn the_arguments_are_clap_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn help_describes_every_flag_and_exits_zero() {
        for flag in ["--help", "-h"] {
            let err = parse(&[flag]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::DisplayHelp, "{flag}");
            assert_eq!(err.exit_code(), 0, "{flag}");
            assert!(!err.use_stderr(), "{flag}: help goes to stdout");
            let help = err.to_string();
            for described in [
                "--external-id <ID>",
                "the same ID always gives the same meeting",
                "--subject <SUBJECT>",
                "--user <ID_OR_UPN>",
                "--base-url <URL>",
                "[default: https://graph.microsoft.com/beta]",
                "GRAPH_TOKEN",
            ] {
                assert!(help.contains(described), "{flag}: {described:?} in\n{help}");
            }
        }
    }

    #[test]
    fn an_unknown_flag_is_an_error_naming_it() {
        let err = parse(&["--external-id", "x", "--nope"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownArgument);
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("'--nope'"), "{err}");
    }

    #[test]
    fn external_id_is_required_and_the_rest_keep_their_defaults() {
        let err = parse(&[]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingRequiredArgument);
        assert!(err.to_string().contains("--external-id"), "{err}");

        let args = parse(&["--external-id", "weekly-49"]).unwrap();
        assert_eq!(args.external_id, "weekly-49");
        assert_eq!((args.subject, args.user), (None, None));
        assert_eq!(args.base_url, GRAPH_BETA);

        let args = parse(&[
            "--external-id=e",
            "--subject",
            "Weekly sync",
            "--user",
            "adele@contoso.com",
            "--base-url",
            "http://127.0.0.1:8080/beta",
        ])
        .unwrap();
        assert_eq!(args.subject.as_deref(), Some("Weekly sync"));
        assert_eq!(args.user.as_deref(), Some("adele@contoso.com"));
        assert_eq!(args.base_url, "http://127.0.0.1:8080/beta");
    }

    #[test]
    fn a_missing_token_says_which_variable_to_set() {
        for missing in [
            Err(VarError::NotPresent),
            Ok(String::new()),
            Ok("  ".into()),
        ] {
            let message = token_from(missing).unwrap_err();
            assert!(message.starts_with("set GRAPH_TOKEN to "), "{message}");
            assert!(!message.contains("NotPresent"), "{message}");
        }
        let message = token_from(Err(VarError::NotUnicode("\u{fffd}".into()))).unwrap_err();
        assert!(
            message.starts_with("GRAPH_TOKEN is not valid UTF-8"),
            "{message}"
        );
        assert_eq!(token_from(Ok("t0ken".into())).unwrap(), "t0ken");
    }
}
