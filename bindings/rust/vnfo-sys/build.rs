//! Finds libvnfo through pkg-config and links it.
//!
//! The declarations themselves are in src/bindings.rs (generated in-tree by
//! tools/regen.sh, see docs/rust.md), so building needs neither libclang nor
//! the C headers: only `pkg-config vnfo` and the shared library.

use std::env;
use std::process;

/// The oldest libvnfo whose ABI src/bindings.rs declares.
const MIN_VERSION: &str = "0.2.0";

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=VNFO_NO_PKG_CONFIG");
    // Docs builds (docs.rs) have no libvnfo; they need no linking.
    if env::var_os("DOCS_RS").is_some() {
        return;
    }
    match pkg_config::Config::new()
        .atleast_version(MIN_VERSION)
        .probe("vnfo")
    {
        Ok(lib) => {
            for dir in &lib.include_paths {
                println!("cargo:include={}", dir.display());
            }
        }
        Err(err) => {
            eprintln!(
                "\nerror: libvnfo {MIN_VERSION} or newer was not found by pkg-config.\n\
                 \n\
                 vnfo-sys links the C library libvnfo; install it first:\n\
                 \x20   ./configure && make && sudo make install     (from the libvnfo sources)\n\
                 or point PKG_CONFIG_PATH at the directory that holds vnfo.pc, e.g.\n\
                 \x20   PKG_CONFIG_PATH=$HOME/.local/lib/pkgconfig cargo build\n\
                 (docs/rust.md, \"Install\").\n\
                 \n\
                 pkg-config said: {err}\n"
            );
            process::exit(1);
        }
    }
}
