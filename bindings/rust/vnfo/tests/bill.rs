mod common;

use vnfo::bill::Bill;
use vnfo::verify::VerifyOptions;
use vnfo::{sys, Manifest, Verifier};

#[test]
fn bills_parse_and_mismatches_are_refused() {
    let demo = match common::demo_dir() {
        Some(d) => d,
        None => return,
    };
    let text = std::fs::read_to_string(demo.join("honest/bill.json")).unwrap();
    let bill = Bill::parse(&text, "bill.json").unwrap();
    let m = Manifest::load(demo.join("manifest.json")).unwrap();
    assert_eq!(bill.manifest_id(), m.id());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bill.total(None, "packets").unwrap(), doc["totals"]["packets"].as_u64().unwrap());
    assert_eq!(bill.total(Some("ids"), "cpu_cycles").unwrap(), doc["functions"]["ids"]["cpu_cycles"].as_u64().unwrap());
    assert_eq!(bill.total(None, "vendor:nothing").unwrap_err().status(), sys::VNFO_E_NOT_FOUND);

    let e = Bill::parse("{\"vnfo_bill\": 1,,}", "bad.json").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_BILL_FORMAT);
    assert!(e.message().starts_with("bad.json:1:"), "{}", e.message());

    let other = text.replacen(&format!("\"{}\"", m.id()), "\"someone-else\"", 1);
    assert_ne!(other, text);
    let other = Bill::parse(&other, "other.json").unwrap();
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    let e = v.set_bill(&other).unwrap_err();
    assert_eq!(e.name(), "VNFO_E_BILL_MISMATCH");
}
