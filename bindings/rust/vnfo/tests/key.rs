mod common;

use vnfo::{sys, PublicKey, SigningKey};

#[test]
fn keys_sign_verify_and_round_trip_through_text_and_files() {
    let k = SigningKey::from_seed(&[3u8; 32]).unwrap();
    let pk = k.public_key();
    let sig = k.sign(b"batch").unwrap();
    pk.verify(b"batch", &sig).unwrap();
    let e = pk.verify(b"batcH", &sig).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_SIGNATURE_INVALID);
    let text = pk.to_string();
    assert!(text.starts_with("ed25519:"), "{}", text);
    assert_eq!(PublicKey::parse(&text).unwrap(), pk);
    assert_eq!(SigningKey::from_seed(&[3u8; 32]).unwrap().public_key(), pk);
    assert!(!pk.fingerprint().is_empty());

    let dir = common::TempDir::new("key");
    k.save(dir.path().join("node.key")).unwrap();
    pk.save(dir.path().join("node.pub")).unwrap();
    assert_eq!(SigningKey::load(dir.path().join("node.key")).unwrap().public_key(), pk);
    assert_eq!(PublicKey::load(dir.path().join("node.pub")).unwrap(), pk);
}

#[test]
fn bad_key_text_and_files_are_refused_with_a_message() {
    let e = PublicKey::parse("ed25519:too-short").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_KEY_FORMAT);
    assert!(!e.message().is_empty());
    let e = PublicKey::parse("rsa:AAAA").unwrap_err();
    assert_eq!(e.name(), "VNFO_E_KEY_FORMAT");
    let dir = common::TempDir::new("badkey");
    let path = dir.path().join("garbage.key");
    std::fs::write(&path, "not a key\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let e = SigningKey::load(&path).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_KEY_FORMAT);
    assert!(e.message().contains("garbage.key"), "{}", e.message());
    let e = SigningKey::load(dir.path().join("none.key")).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
    let e = PublicKey::load("bad\0path").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
}
