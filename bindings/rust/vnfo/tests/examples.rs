//! Runs the examples `cargo test` has built: the shim (as make check runs
//! examples/shim/shim.c) and pcap_verify over a capture of the corpus.

mod common;

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    // target/<profile>/deps/examples-<hash> -> target/<profile>/examples/<name>
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples").join(name)
}

#[test]
fn shim_logs_and_verifies_its_sample() {
    let dir = common::TempDir::new("shim");
    let log = dir.path().join("shim.log");
    let out = Command::new(example("shim")).arg(&log).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}{}", text, String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("1000 packets, "), "{}", text);
    assert!(log.metadata().unwrap().len() > 0);
    let usage = Command::new(example("shim")).args(["a", "b"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(64));
}

#[test]
fn pcap_verify_checks_every_record_against_the_capture() {
    let dir = match std::env::var_os("VNFO_PCAP_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            eprintln!("SKIP: VNFO_PCAP_DIR is not set");
            return;
        }
    };
    let tmp = common::TempDir::new("pcap");
    // The largest captures of the corpus, so that plenty is selected.
    let mut files: Vec<(u64, PathBuf)> = common::files_under(&dir)
        .into_iter()
        .filter(|p| p.extension().map_or(false, |x| x == "pcap"))
        .map(|p| (std::fs::metadata(&p).unwrap().len(), p))
        .collect();
    files.sort();
    for (_, pcap) in files.iter().rev().take(3) {
        let out = Command::new(example("pcap_verify")).arg(pcap).arg(tmp.path().join("x.log")).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}: {}{}", pcap.display(), text, String::from_utf8_lossy(&out.stderr));
        assert!(text.contains(" records verified in "), "{}", text);
    }
    let out = Command::new(example("pcap_verify")).arg(tmp.path().join("absent.pcap")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.pcap"));
}
