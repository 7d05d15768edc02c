mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use vnfo::bill::Bill;
use vnfo::report::{self, Report};
use vnfo::verify::{Reference, VerifyOptions};
use vnfo::{sys, Manifest, Verifier};

fn assert_send<T: Send>() {}
fn assert_send_sync<T: Send + Sync>() {}

/// Adds `<dir>/<name>.log` for every chain entry, as `vnfo verify --logs` does.
fn add_logs(v: &mut Verifier<'_>, m: &Manifest, dir: &Path) {
    for c in m.chain() {
        v.add_log_file(&c.name, dir.join(format!("{}.log", c.name))).unwrap();
    }
}

fn run(demo: &Path, scenario: &str) -> Report {
    let m = Manifest::load(demo.join("manifest.json")).unwrap();
    let bill = Bill::load(demo.join(scenario).join("bill.json")).unwrap();
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    add_logs(&mut v, &m, &demo.join(scenario));
    v.set_bill(&bill).unwrap();
    v.run().unwrap()
}

#[test]
fn thread_rules() {
    assert_send::<Verifier<'static>>();
    assert_send_sync::<Report>();
    assert_send_sync::<Manifest>();
}

#[test]
fn same_report_as_the_cli() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    for scenario in ["honest", "inflates-bill", "tampers-log"] {
        let mine = run(&demo, scenario).to_json().unwrap();
        let out = Command::new(common::cli().unwrap())
            .args(["verify", "--json", "--manifest"])
            .arg(demo.join("manifest.json"))
            .arg("--logs")
            .arg(demo.join(scenario))
            .arg("--bill")
            .arg(demo.join(scenario).join("bill.json"))
            .output()
            .unwrap();
        let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let checks = |r: &serde_json::Value| -> Vec<(serde_json::Value, serde_json::Value, serde_json::Value)> {
            r["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["check"].clone(), c["verdict"].clone(), c["evidence"].clone()))
                .collect()
        };
        assert!(checks(&mine).len() > 10, "{}", mine);
        assert_eq!(checks(&mine), checks(&cli), "{}", scenario);
        assert_eq!(mine["verdict"], cli["verdict"]);
    }
}

#[test]
fn threads_give_the_same_report() {
    let Some(demo) = common::demo_dir() else { return };
    let m = Manifest::load(demo.join("manifest.json")).unwrap();
    for scenario in ["honest", "tampers-log"] {
        let mut want = None;
        for n in [1, 2, 3, 8, 0] {
            let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
            v.set_threads(n).unwrap();
            add_logs(&mut v, &m, &demo.join(scenario));
            let json = v.run().unwrap().to_json().unwrap().to_string();
            match &want {
                None => want = Some(json),
                Some(w) => assert_eq!(&json, w, "{} with {} threads", scenario, n),
            }
        }
    }
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    let e = v.set_threads(sys::VNFO_VERIFY_THREADS_MAX + 1).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert_eq!(e.message(), "vnfo_verifier_threads_set: 257 threads (0 for the online CPUs, or 1 to 256)");
}

#[test]
fn cheating_is_caught() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    let honest = run(&demo, "honest");
    assert_eq!(honest.entry("logs.integrity").unwrap().verdict, report::PASS);
    let inflated = run(&demo, "inflates-bill");
    let bill = inflated.entry("bill.cpu_cycles").unwrap();
    assert_eq!((bill.verdict, bill.category), (report::FAIL, sys::VNFO_REPORT_ACCOUNTING));
    assert_eq!(inflated.overall(), report::FAIL);
    assert!(inflated.to_text(true).unwrap().contains("bill.cpu_cycles"));
    let tampered = run(&demo, "tampers-log");
    assert_eq!(tampered.entry("logs.integrity").unwrap().verdict, report::FAIL);
}

#[test]
fn rust_references_are_replayed() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    let m = Manifest::load(demo.join("manifest.json")).unwrap();
    let run_with_identity_ids = |scenario: &str| {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
        v.set_reference("ids", move |input: &[u8], out: &mut [u8], res: &mut vnfo::verify::ReferenceResources| {
            counter.fetch_add(1, Ordering::SeqCst);
            res.cpu_cycles = 3000;
            res.mem_bytes = 4096;
            if input.len() > out.len() {
                return Reference::Error;
            }
            out[..input.len()].copy_from_slice(input);
            Reference::Forward(input.len())
        })
        .unwrap();
        add_logs(&mut v, &m, &demo.join(scenario));
        let report = v.run().unwrap();
        (report, calls.load(Ordering::SeqCst))
    };
    let (honest, n) = run_with_identity_ids("honest");
    assert!(n > 100, "{} calls", n);
    let (rewrites, _) = run_with_identity_ids("ids-rewrites-payload");
    let bad = rewrites.entry("reference.ids").unwrap();
    assert_eq!(bad.verdict, report::FAIL);
    let violations = |r: &Report| r.evidence_number("reference.ids", "violations").unwrap();
    assert!(violations(&rewrites) > 10.0 * violations(&honest).max(1.0));
    assert!(!bad.examples.is_empty());
    // (The identity is not the demo's IDS, which drops some packets, so the
    // honest run has a few violations too: the contrast is what counts.)
}

#[test]
fn a_panicking_reference_is_an_error_verdict_not_a_crash() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    let m = Manifest::load(demo.join("manifest.json")).unwrap();
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    v.set_reference("ids", |_: &[u8], _: &mut [u8], _: &mut vnfo::verify::ReferenceResources| -> Reference {
        panic!("reference bug")
    })
    .unwrap();
    add_logs(&mut v, &m, &demo.join("honest"));
    let report = v.run().unwrap();
    assert_ne!(report.entry("reference.ids").unwrap().verdict, report::PASS);
}

#[test]
fn verifier_input_errors() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    let m = Manifest::load(demo.join("manifest.json")).unwrap();
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    v.add_log_file("fw", demo.join("honest/fw.log")).unwrap();
    let e = v.run().unwrap_err();
    assert_eq!(e.name(), "VNFO_E_VERIFY_MISSING_LOG");
    assert!(e.message().contains("nat") || e.message().contains("ids"), "{}", e.message());
    let e = v.add_log_file("nope", demo.join("honest/fw.log")).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
    let e = v.add_log("ids", b"\x00\x00\x00\x05hello", "junk").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_LOG_MALFORMED);
    assert!(e.message().contains("junk"), "{}", e.message());
    let e = v.set_reference("dpi", |_: &[u8], _: &mut [u8], _: &mut vnfo::verify::ReferenceResources| Reference::Drop).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
}

#[test]
fn reports_built_by_hand_render_as_json() {
    let mut r = Report::new().unwrap();
    r.set_subject("manifest", "m-1").unwrap();
    r.add_entry("custom.check", sys::VNFO_REPORT_FUNCTIONALITY, report::PASS, "all \"good\"").unwrap();
    r.add_entry("custom.other", sys::VNFO_REPORT_PERFORMANCE, report::INCONCLUSIVE, "too few").unwrap();
    let json = r.to_json().unwrap();
    assert_eq!(json["verdict"], "INCONCLUSIVE");
    assert_eq!(json["checks"][0]["check"], "custom.check");
    assert_eq!(json["checks"][0]["summary"], "all \"good\"");
    assert_eq!(r.entries().len(), 2);
    assert_eq!(r.entry("custom.other").unwrap().verdict, report::INCONCLUSIVE);
    assert!(r.entry("absent").is_none());
    assert_eq!(r.evidence_number("absent", "x").unwrap_err().status(), sys::VNFO_E_NOT_FOUND);
    let e = r.set_subject("bad\0key", "x").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
}

/// The demo IDS as a reference: drops "GET /images/", forwards the rest.
fn demo_ids(input: &[u8], out: &mut [u8]) -> Reference {
    if input.windows(12).any(|w| w == b"GET /images/") {
        return Reference::Drop;
    }
    if input.len() > out.len() {
        return Reference::Error;
    }
    out[..input.len()].copy_from_slice(input);
    Reference::Forward(input.len())
}

/// The logs of the demo's chain run by `vnfo simulate` over the demo
/// capture as raw IPv4 (link type 228).
fn raw_ipv4_logs(demo: &Path, tmp: &Path) -> std::path::PathBuf {
    let top = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let st = Command::new("python3")
        .arg(top.join("tests/make_linktype_pcaps.py"))
        .arg("convert")
        .arg(demo.join("capture.pcap"))
        .arg(tmp)
        .status()
        .unwrap();
    assert!(st.success());
    let out = tmp.join("raw4");
    std::fs::create_dir(&out).unwrap();
    let run = Command::new(common::cli().unwrap())
        .args(["simulate", "--manifest"])
        .arg(demo.join("manifest.json"))
        .arg("--pcap")
        .arg(tmp.join("lt228.pcap"))
        .arg("--keys")
        .arg(demo.join("keys"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

#[test]
fn linktype_aware_references_read_raw_ipv4_logs() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    let tmp = common::TempDir::new("raw4");
    let logs = raw_ipv4_logs(&demo, tmp.path());
    let m = Manifest::load(demo.join("manifest.json")).unwrap();

    // Told each record's link type: every record of these logs states 228.
    let seen = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
    let seen_by_ref = seen.clone();
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    v.set_reference("ids", |_: &[u8], _: &mut [u8], _: &mut vnfo::verify::ReferenceResources| Reference::Error).unwrap();
    // ... and the link-type-aware one replaces it.
    v.set_reference_linktype("ids", move |linktype: u32, input: &[u8], out: &mut [u8], _: &mut vnfo::verify::ReferenceResources| {
        seen_by_ref.lock().unwrap().insert(linktype);
        demo_ids(input, out)
    })
    .unwrap();
    add_logs(&mut v, &m, &logs);
    let aware = v.run().unwrap();
    assert_eq!(seen.lock().unwrap().iter().copied().collect::<Vec<u32>>(), [vnfo::packet::LINKTYPE_IPV4]);
    assert_eq!(aware.entry("reference.ids").unwrap().verdict, report::PASS);
    assert!(aware.evidence_number("reference.ids", "checked").unwrap() > 100.0);

    // A plain reference reads Ethernet frames only: the records are not
    // replayed through it, and the check says why.
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    v.set_reference("ids", |input: &[u8], out: &mut [u8], _: &mut vnfo::verify::ReferenceResources| demo_ids(input, out)).unwrap();
    add_logs(&mut v, &m, &logs);
    let plain = v.run().unwrap();
    assert_eq!(plain.entry("reference.ids").unwrap().verdict, report::INCONCLUSIVE);
    assert!(plain.evidence_number("reference.ids", "other_link_type").unwrap() > 100.0);

    let e = v
        .set_reference_linktype("dpi", |_: u32, _: &[u8], _: &mut [u8], _: &mut vnfo::verify::ReferenceResources| Reference::Drop)
        .unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
}
