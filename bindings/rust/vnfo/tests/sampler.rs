mod common;

use common::frame;
use vnfo::packet::LINKTYPE_ETHERNET;
use vnfo::sampler::{SamplingKey, BURST_MAX};
use vnfo::{sys, Decision, Sampler, SamplerOptions};

fn key() -> SamplingKey {
    SamplingKey::from_bytes([7u8; 32])
}

fn frames(n: u32) -> Vec<[u8; 64]> {
    (0..n).map(frame).collect()
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn sampler_is_send_and_sync() {
    assert_send_sync::<Sampler>();
}

#[test]
fn single_decisions_select_about_the_rate() {
    let s = Sampler::new(&SamplerOptions::default().rate(1, 4), &key()).unwrap();
    assert_eq!(s.probability(), (1, 4));
    let mut selected = 0;
    for f in frames(4000) {
        let d = s.decide(&f, LINKTYPE_ETHERNET, 0);
        d.status().unwrap();
        if d.selected() {
            selected += 1;
            assert_ne!(d.label(), 0);
            assert_eq!(d.label(), s.label(&f, LINKTYPE_ETHERNET, 0).unwrap());
        } else {
            assert_eq!(d.label(), 0);
        }
    }
    // Binomial(4000, 1/4): mean 1000, sd 27; 6 sd either way.
    assert!((840..1160).contains(&selected), "{} selected", selected);
}

fn same(a: &Decision, b: &Decision) {
    assert_eq!(
        (a.selected(), a.label(), a.hash(), a.epoch(), a.status_code()),
        (b.selected(), b.label(), b.hash(), b.epoch(), b.status_code())
    );
}

#[test]
fn bursts_equal_single_decisions() {
    let s = Sampler::new(&SamplerOptions::default().rate(1, 3), &key()).unwrap();
    // 600 packets: more than two C bursts, so the split is exercised; a
    // truncated and a non-IP packet among them.
    let mut pkts: Vec<Vec<u8>> = frames(600).iter().map(|f| f.to_vec()).collect();
    pkts[5].truncate(20);
    pkts[300][12] = 0x08;
    pkts[300][13] = 0x06; // ARP
    let slices: Vec<&[u8]> = pkts.iter().map(|p| p.as_slice()).collect();
    let mut out = vec![Decision::default(); slices.len()];
    let n = s.decide_burst(&slices, LINKTYPE_ETHERNET, None, &mut out).unwrap();
    let single: Vec<Decision> = slices.iter().map(|p| s.decide(p, LINKTYPE_ETHERNET, 0)).collect();
    for (a, b) in out.iter().zip(&single) {
        same(a, b);
    }
    assert_eq!(n, single.iter().filter(|d| d.selected()).count());
    assert_eq!(out[5].status_code(), sys::VNFO_E_PACKET_TRUNCATED);
    assert_eq!(out[300].status_code(), sys::VNFO_E_PACKET_NOT_IP);
    assert_eq!(out[300].status().unwrap_err().name(), "VNFO_E_PACKET_NOT_IP");
    assert!(!out[5].selected() && !out[300].selected());

    // The same packets back to back in one buffer.
    let mut buf = Vec::new();
    let mut bounds = vec![0usize];
    for p in &pkts {
        buf.extend_from_slice(p);
        bounds.push(buf.len());
    }
    let mut out2 = vec![Decision::default(); pkts.len()];
    let n2 = s.decide_burst_contiguous(&buf, &bounds, LINKTYPE_ETHERNET, None, &mut out2).unwrap();
    assert_eq!(n2, n);
    for (a, b) in out2.iter().zip(&single) {
        same(a, b);
    }
}

#[test]
fn flowtags_reach_the_hash_of_nat_safe_fields() {
    let opts = SamplerOptions::default().rate(1, 1).fields(vnfo::packet::FieldSet::parse("nat-safe").unwrap());
    let s = Sampler::new(&opts, &key()).unwrap();
    let f = frame(1);
    let pkts: Vec<&[u8]> = vec![&f, &f];
    let mut out = [Decision::default(); 2];
    s.decide_burst(&pkts, LINKTYPE_ETHERNET, Some(&[5, 6]), &mut out).unwrap();
    assert_ne!(out[0].label(), out[1].label());
    same(&out[0], &s.decide(&f, LINKTYPE_ETHERNET, 5));
    same(&out[1], &s.decide(&f, LINKTYPE_ETHERNET, 6));
}

#[test]
fn burst_argument_errors() {
    let s = Sampler::new(&SamplerOptions::default(), &key()).unwrap();
    let f = frame(0);
    let pkts: Vec<&[u8]> = vec![&f; 3];
    let mut out = [Decision::default(); 2];
    let e = s.decide_burst(&pkts, LINKTYPE_ETHERNET, None, &mut out).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert_eq!(e.message(), "3 packets but room for 2 decisions");
    let mut out = [Decision::default(); 3];
    let e = s.decide_burst(&pkts, LINKTYPE_ETHERNET, Some(&[1]), &mut out).unwrap_err();
    assert_eq!(e.message(), "3 packets but 1 flowtags");
    let e = s.decide_burst_contiguous(&f, &[0, 64, 65], LINKTYPE_ETHERNET, None, &mut out).unwrap_err();
    assert_eq!(e.message(), "bounds[1..=2] = 64..65 is not inside the 64-byte buffer");
    let e = s.decide_burst_contiguous(&f, &[10, 5], LINKTYPE_ETHERNET, None, &mut out).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert_eq!(s.decide_burst(&[], LINKTYPE_ETHERNET, None, &mut []).unwrap(), 0);
    assert_eq!(BURST_MAX, 256);
}

#[test]
fn bad_keys_and_options_name_the_problem() {
    let e = SamplingKey::parse("00ff").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_KEY_FORMAT);
    assert_eq!(e.name(), "VNFO_E_KEY_FORMAT");
    assert!(!e.message().is_empty());
    let e = SamplerOptions::default().rate_text("3/2").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_SAMPLER_RATE);
    assert!(e.message().contains("3/2"), "{}", e.message());
    let e = SamplerOptions::default().hash("md5").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_SAMPLER_HASH_UNKNOWN);
    let e = Sampler::new(&SamplerOptions::default().ranges(&[(0, 10), (5, 20)]), &key()).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_SAMPLER_RANGES);
    assert!(e.to_string().starts_with("VNFO_E_SAMPLER_RANGES: "), "{}", e);
}

#[test]
fn key_files_round_trip_and_group_readable_ones_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::TempDir::new("keys");
    let path = dir.path().join("sampling.key");
    let k = SamplingKey::generate().unwrap();
    k.save(&path).unwrap();
    assert_eq!(SamplingKey::load(&path).unwrap().as_bytes(), k.as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = SamplingKey::load(&path).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_KEY_PERMISSIONS);
    assert!(e.message().contains("sampling.key"), "{}", e.message());
    let e = SamplingKey::load(dir.path().join("absent")).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
    assert!(k.commitment_text().starts_with("blake2b:"));
}

#[test]
fn epochs_and_threads() {
    let s = Sampler::new(&SamplerOptions::default().rate(1, 1), &key()).unwrap();
    let s1 = s.rekey(1).unwrap();
    assert_eq!((s.epoch(), s1.epoch()), (0, 1));
    let f = frame(3);
    assert_ne!(s.decide(&f, LINKTYPE_ETHERNET, 0).label(), s1.decide(&f, LINKTYPE_ETHERNET, 0).label());
    // One sampler shared by threads gives the same decisions.
    let expect: Vec<u64> = (0..200).map(|i| s.decide(&frame(i), LINKTYPE_ETHERNET, 0).label()).collect();
    let s = std::sync::Arc::new(s);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || (0..200).map(|i| s.decide(&frame(i), LINKTYPE_ETHERNET, 0).label()).collect::<Vec<u64>>())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expect);
    }
}
