//! `PRISM` (the path of Prism's binary, which `.ci/openapi-tools.sh` sets)
//! turns on `cfg(prism)`: the end-to-end tests then run through Prism's
//! validating proxy, and `prism_proxy` is built. It is an environment
//! variable rather than a cargo feature so that `--all-features` (the
//! client's `azure-identity`) needs no Node tools on the machine.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(prism)");
    println!("cargo::rerun-if-env-changed=PRISM");
    if std::env::var_os("PRISM").is_some() {
        println!("cargo::rustc-cfg=prism");
    }
}
