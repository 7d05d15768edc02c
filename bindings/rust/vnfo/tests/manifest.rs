mod common;

use std::path::PathBuf;

use vnfo::sampler::SamplingKey;
use vnfo::{sys, Manifest, Sampler};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../examples/manifests").join(name)
}

#[test]
fn example_manifests_load() {
    let m = Manifest::load(example("fw-nat-ids.json")).unwrap();
    let chain = m.chain();
    assert_eq!(chain.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["fw", "nat", "ids"]);
    assert_eq!(m.chain_find("nat").unwrap(), 1);
    assert_eq!(m.chain_find("dpi").unwrap_err().status(), sys::VNFO_E_NOT_FOUND);
    assert_ne!(m.digest(), [0u8; 32]);
    assert_eq!(Manifest::parse(Manifest::template(), "template").unwrap().version(), 1);
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let text = "{\n  \"vnfo_manifest\": 1,\n  \"id\": \"x\",,\n}";
    let e = Manifest::parse(text, "broken.json").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_MANIFEST_SYNTAX);
    let loc = e.location().expect("a syntax error has a place");
    assert_eq!((loc.line, loc.column), (3, 13));
    assert!(e.message().starts_with("broken.json:3:13: "), "{}", e.message());
}

#[test]
fn schema_errors_carry_the_json_path() {
    let text = std::fs::read_to_string(example("single-ids.json")).unwrap();
    let bad = text.replace("\"node_id\": 7", "\"node_id\": \"seven\"");
    assert_ne!(bad, text);
    let e = Manifest::parse(&bad, "ids.json").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_MANIFEST_TYPE);
    let loc = e.location().unwrap();
    assert_eq!(loc.path, "chain[0].node_id");
    assert_eq!(loc.line, 8);
    assert!(e.to_string().contains("chain[0].node_id"), "{}", e);
}

#[test]
fn the_sampling_key_must_match_the_commitment() {
    let m = Manifest::load(example("single-ids.json")).unwrap();
    let e = m.sampler_options(&SamplingKey::from_bytes([0; 32])).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_MANIFEST_KEY_MISMATCH);
    // A manifest made for a key gives that key's sampler.
    let key = SamplingKey::from_bytes([5; 32]);
    let text = std::fs::read_to_string(example("single-ids.json")).unwrap();
    let start = text.find("blake2b:").unwrap();
    let mine = format!("{}{}{}", &text[..start], key.commitment_text(), &text[start + 72..]);
    let m = Manifest::parse(&mine, "mine.json").unwrap();
    let s = Sampler::new(&m.sampler_options(&key).unwrap(), &key).unwrap();
    assert_eq!(m.sampling_rate(), (1, 100));
    assert!(s.probability().0 > 0);
}

#[test]
fn missing_files_are_io_errors_without_a_place() {
    let e = Manifest::load("/nonexistent/manifest.json").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
    assert!(e.location().is_none());
}

#[test]
fn heartbeat_interval_is_none_unless_named() {
    let text = std::fs::read_to_string(example("single-ids.json")).unwrap();
    assert_eq!(Manifest::parse(&text, "ids.json").unwrap().logging_heartbeat_ms(), None);
    assert_eq!(Manifest::parse(Manifest::template(), "template").unwrap().logging_heartbeat_ms(), Some(60000));
    let with = text.replace("\"batch_records\": 4096}", "\"batch_records\": 4096, \"heartbeat_ms\": 250}");
    assert_ne!(with, text);
    assert_eq!(Manifest::parse(&with, "ids.json").unwrap().logging_heartbeat_ms(), Some(250));
    let zero = text.replace("\"batch_records\": 4096}", "\"batch_records\": 4096, \"heartbeat_ms\": 0}");
    let e = Manifest::parse(&zero, "ids.json").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_MANIFEST_RANGE);
    assert_eq!(e.location().unwrap().path, "logging.heartbeat_ms");
}
