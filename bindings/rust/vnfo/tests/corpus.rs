//! Rust and C give identical decisions and labels over the capture corpus
//! in $VNFO_PCAP_DIR: the Rust side reads each capture with the pcap-file
//! crate and decides every packet through the safe crate (single calls and
//! bursts of 32); the C side is `vnfo sample --jsonl` of the build tree
//! (libpcap, single C calls).  Skipped with a message when VNFO_PCAP_DIR or
//! the CLI is missing.

mod common;
#[path = "common/capture.rs"]
mod capture;

use std::path::PathBuf;
use std::process::Command;

use vnfo::sampler::SamplingKey;
use vnfo::{sys, Decision, Sampler, SamplerOptions};

const KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn word(status: sys::vnfo_status) -> &'static str {
    match status {
        sys::VNFO_OK => "ok",
        sys::VNFO_E_PACKET_NOT_IP => "not_ip",
        sys::VNFO_E_PACKET_TRUNCATED => "truncated",
        sys::VNFO_E_PACKET_MALFORMED => "malformed",
        sys::VNFO_E_PACKET_UNSUPPORTED => "unsupported",
        _ => "error",
    }
}

/// One packet as `vnfo sample --jsonl` prints it: status, hash, label, selected.
type Line = (String, Option<String>, Option<String>, bool);

fn c_decisions(cli: &PathBuf, pcap: &PathBuf) -> Vec<Line> {
    let out = Command::new(cli)
        .args(["sample", "--key", KEY_HEX, "--rate", "1/2", "--jsonl", "--pcap"])
        .arg(pcap)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("frame").is_some())
        .map(|v| {
            (
                v["status"].as_str().unwrap().to_string(),
                v.get("hash").map(|h| h.as_str().unwrap().to_string()),
                v.get("label").map(|h| h.as_str().unwrap().to_string()),
                v["selected"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn rust_line(s: &Sampler, d: &Decision, pkt: &[u8], linktype: u32) -> Line {
    if d.status_code() != sys::VNFO_OK {
        return (word(d.status_code()).to_string(), None, None, d.selected());
    }
    let label = if d.selected() { d.label() } else { s.label(pkt, linktype, 0).unwrap() };
    ("ok".to_string(), Some(format!("{:016x}", d.hash())), Some(format!("{:016x}", label)), d.selected())
}

#[derive(Default)]
struct Stats {
    compared: usize,
    frames: usize,
    selected: usize,
    c_shorter: usize,
    rust_shorter: usize,
    unreadable: usize,
    mismatches: Vec<String>,
}

fn compare_files(s: &Sampler, cli: &PathBuf, files: &[PathBuf]) -> Stats {
    let mut st = Stats::default();
    for f in files {
        let cap = match capture::read_capture(f) {
            Ok(c) => c,
            Err(_) => {
                st.unreadable += 1;
                continue;
            }
        };
        let c_lines = c_decisions(cli, f);
        let slices: Vec<&[u8]> = cap.packets.iter().map(|p| p.as_slice()).collect();
        let mut burst = vec![Decision::default(); slices.len()];
        for (chunk, out) in slices.chunks(32).zip(burst.chunks_mut(32)) {
            s.decide_burst(chunk, cap.linktype, None, out).unwrap();
        }
        // Where libpcap or pcap-file stops early, the packets both read are compared.
        let n = c_lines.len().min(slices.len());
        st.c_shorter += (c_lines.len() < slices.len()) as usize;
        st.rust_shorter += (slices.len() < c_lines.len()) as usize;
        for i in 0..n {
            let single = s.decide(slices[i], cap.linktype, 0);
            let a = rust_line(s, &single, slices[i], cap.linktype);
            let b = rust_line(s, &burst[i], slices[i], cap.linktype);
            if a != c_lines[i] || b != a {
                st.mismatches.push(format!("{} frame {}: C {:?}, Rust {:?}, Rust burst {:?}", f.display(), i + 1, c_lines[i], a, b));
            }
            st.selected += a.3 as usize;
        }
        st.frames += n;
        st.compared += 1;
    }
    st
}

#[test]
fn rust_and_c_agree_on_the_capture_corpus() {
    let dir = match std::env::var_os("VNFO_PCAP_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            eprintln!("SKIP: VNFO_PCAP_DIR is not set (the tcpdump capture corpus)");
            return;
        }
    };
    let cli = match common::cli() {
        Some(c) => c,
        None => {
            eprintln!("SKIP: the vnfo CLI is not built (set VNFO_BUILD_DIR)");
            return;
        }
    };
    let key = SamplingKey::parse(KEY_HEX).unwrap();
    let s = Sampler::new(&SamplerOptions::default().rate(1, 2), &key).unwrap();
    let files: Vec<PathBuf> = common::files_under(&dir);
    // Four threads share the sampler (it is Sync); most of the time goes
    // into starting the CLI once per capture.
    let per_thread = (files.len() + 3) / 4;
    let stats: Vec<Stats> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(per_thread.max(1))
            .map(|chunk| {
                let (s, cli) = (&s, &cli);
                scope.spawn(move || compare_files(s, cli, chunk))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total = Stats::default();
    for st in stats {
        total.compared += st.compared;
        total.frames += st.frames;
        total.selected += st.selected;
        total.c_shorter += st.c_shorter;
        total.rust_shorter += st.rust_shorter;
        total.unreadable += st.unreadable;
        total.mismatches.extend(st.mismatches);
    }
    let Stats { compared, frames, selected, c_shorter, rust_shorter, unreadable, mismatches } = total;
    eprintln!(
        "corpus: {} files compared (libpcap read fewer packets in {}, pcap-file in {}; {} not captures), {} frames, {} selected, {} mismatches",
        compared,
        c_shorter,
        rust_shorter,
        unreadable,
        frames,
        selected,
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{} mismatches, first: {:#?}", mismatches.len(), &mismatches[..mismatches.len().min(5)]);
    assert!(compared > 0 && frames > 0, "nothing compared in {}", dir.display());
    assert!(selected > 0 && selected < frames);
}
