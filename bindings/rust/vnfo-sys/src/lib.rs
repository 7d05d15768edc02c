//! Raw FFI declarations of libvnfo: every `VNFO_API` function, public type,
//! status code and integer constant of `include/vnfo/*.h`.
//!
//! The declarations in `bindings.rs` are generated in-tree by
//! `tools/regen.sh` (bindgen), not at build time, so building needs neither
//! libclang nor the headers; `tests/declarations.rs` fails when the headers
//! declare something `bindings.rs` lacks, and the layout assertions bindgen
//! wrote check every struct's size, alignment and field offsets.  C enums
//! are integer type aliases with one constant per enumerator (an unknown
//! value from a newer library is never undefined behaviour).  The library is
//! linked through pkg-config (`build.rs`).  Use the safe `vnfo` crate
//! unless you need the raw calls.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case)]
#![allow(clippy::all)]
#![allow(rustdoc::all)]

include!("bindings.rs");
