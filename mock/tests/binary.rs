//! The mock binary's command line, run as a user would run it.

use std::process::{Command, Output};

fn mock(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_graph-online-meetings-mock"))
        .args(args)
        .output()
        .expect("the mock binary runs")
}

#[test]
fn help_prints_usage_with_every_flag_and_exits_0() {
    for flag in ["--help", "-h"] {
        let output = mock(&[flag]);
        assert!(output.status.success(), "{flag}: {:?}", output.status);
        let usage = String::from_utf8(output.stdout).unwrap();
        assert!(
            usage.contains("Usage: graph-online-meetings-mock"),
            "{usage}"
        );
        for option in [
            "--port <PORT>",
            "--tenant <ID>",
            "--max-body-bytes <N>",
            "--fault-every <N>",
            "--fault-status <CODE>",
            "--retry-after <SECONDS>",
            "--log",
        ] {
            assert!(usage.contains(option), "{flag} lists {option}: {usage}");
        }
    }
    let long = String::from_utf8(mock(&["--help"]).stdout).unwrap();
    assert!(long.contains("0 picks a free one"), "says what --port does");
}

#[test]
fn an_unknown_flag_is_an_error_that_names_it() {
    let output = mock(&["--prot", "8080"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("'--prot'"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing started");
}

#[test]
fn a_taken_port_stops_the_binary_with_the_port_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = mock(&["--port", &port]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}
