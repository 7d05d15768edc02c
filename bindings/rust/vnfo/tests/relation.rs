//! Black-box relations from Rust closures, over the logs of `vnfo demo`'s
//! honest run (chain fw, nat, ids; records keep packet bytes).

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use vnfo::relation::{Fact, Flow, Relation, RelationPacket, RelationVerdict, FACTS_MAX, KEY_BYTES};
use vnfo::report::{self, Report};
use vnfo::verify::VerifyOptions;
use vnfo::{sys, Manifest, Verifier};

/// The IPv4 addresses and ports of an Ethernet/IPv4 frame (26..38), or None.
fn tuple(frame: &[u8]) -> Option<&[u8]> {
    if frame.len() >= 38 && frame[12] == 0x08 && frame[13] == 0x00 {
        Some(&frame[26..38])
    } else {
        None
    }
}

fn flow_of(p: &RelationPacket<'_>) -> Option<Flow> {
    Flow::new(tuple(p.input())?, p.t_in_ns())
}

/// A verifier of the demo's honest logs with `rel` on "ids".
fn run_with<'a>(m: &'a Manifest, demo: &Path, rel: Relation<'a>) -> vnfo::Result<Report> {
    let mut v = Verifier::new(m, &VerifyOptions::default()).unwrap();
    v.set_relation("ids", rel).unwrap();
    for c in m.chain() {
        v.add_log_file(&c.name, demo.join("honest").join(format!("{}.log", c.name))).unwrap();
    }
    v.run()
}

fn setup() -> Option<(Manifest, std::path::PathBuf)> {
    let demo = common::demo_dir()?;
    Some((Manifest::load(demo.join("manifest.json")).unwrap(), demo))
}

fn evidence(r: &Report, key: &str) -> f64 {
    r.evidence_number("relation.ids", key).unwrap()
}

#[test]
fn an_honest_relation_passes_and_sees_flows_in_order() {
    let Some((m, demo)) = setup() else { return };
    let seen = Arc::new(Mutex::new((0usize, 0usize)));
    let s = seen.clone();
    let rel = Relation::new(move |p: &RelationPacket<'_>, prev: Option<&RelationPacket<'_>>| {
        let mut s = s.lock().unwrap();
        s.0 += 1;
        if let Some(q) = prev {
            // The previous record of the same flow, in the flow's order.
            assert_eq!(tuple(q.input()), tuple(p.input()));
            assert!(q.t_in_ns() <= p.t_in_ns());
            s.1 += 1;
        }
        match (p.forwarded(), p.output()) {
            (true, Some(out)) if !out.is_empty() => RelationVerdict::Admissible,
            (false, None) => RelationVerdict::Admissible,
            _ => RelationVerdict::NotApplicable,
        }
    })
    .flow(flow_of)
    .facts(|p: &RelationPacket<'_>, facts: &mut vnfo::relation::Facts<'_>| {
        // One flow, one tuple: honest by construction.
        if let Some(t) = tuple(p.input()) {
            assert!(facts.push(Fact::new(0, t, t, u64::MAX).unwrap()));
        }
    });
    let r = run_with(&m, &demo, rel).unwrap();
    let e = r.entry("relation.ids").unwrap();
    assert_eq!(e.verdict, report::PASS, "{}", e.summary);
    assert_eq!(e.category, sys::VNFO_REPORT_FUNCTIONALITY);
    let (calls, with_prev) = *seen.lock().unwrap();
    assert!(calls > 100, "{} calls", calls);
    assert!(with_prev > 0, "no record had a previous one of its flow");
    assert_eq!(evidence(&r, "inadmissible"), 0.0);
    assert_eq!(evidence(&r, "conflicts"), 0.0);
    assert!(evidence(&r, "flows") > 1.0);
    assert!(evidence(&r, "facts") > 100.0);
}

#[test]
fn a_relation_flagging_one_packet_fails_with_its_reason() {
    let Some((m, demo)) = setup() else { return };
    let flagged = Arc::new(Mutex::new(None::<u64>));
    let f = flagged.clone();
    let rel = Relation::new(move |p: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| {
        let mut f = f.lock().unwrap();
        if f.is_none() || *f == Some(p.label()) {
            *f = Some(p.label());
            return RelationVerdict::Inadmissible("port \"9\" outside the pool".into());
        }
        RelationVerdict::Admissible
    });
    let r = run_with(&m, &demo, rel).unwrap();
    let label = flagged.lock().unwrap().unwrap();
    let e = r.entry("relation.ids").unwrap();
    assert_eq!(e.verdict, report::FAIL);
    assert_eq!(e.examples, vec![label]);
    assert_eq!(evidence(&r, "inadmissible"), 1.0);
    assert_eq!(r.overall(), report::FAIL);
    let json = r.to_json_string().unwrap();
    assert!(json.contains("inadmissible: port \\\"9\\\" outside the pool"), "{}", json);
}

#[test]
fn facts_that_conflict_across_flows_are_reported() {
    let Some((m, demo)) = setup() else { return };
    // "Every flow maps to one address": a fact whose value differs per
    // flow under one key, holding forever, so any two flows conflict.
    let rel = Relation::new(|_: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| RelationVerdict::Admissible)
        .flow(flow_of)
        .facts(|p: &RelationPacket<'_>, facts: &mut vnfo::relation::Facts<'_>| {
            if let Some(t) = tuple(p.input()) {
                facts.push(Fact::new(1, b"the one mapping", t, u64::MAX).unwrap());
            }
        })
        .space_names(&["unused", "two flows, one rewritten tuple"]);
    let r = run_with(&m, &demo, rel).unwrap();
    let e = r.entry("relation.ids").unwrap();
    assert_eq!(e.verdict, report::FAIL);
    assert!(evidence(&r, "conflicts") >= 1.0);
    assert_eq!(evidence(&r, "inadmissible"), 0.0);
    assert!(!e.examples.is_empty());
    let json = r.to_json_string().unwrap();
    assert!(json.contains("two flows, one rewritten tuple: conflicts with label"), "{}", json);
}

#[test]
fn a_panicking_check_is_an_inadmissible_verdict_not_a_crash() {
    let Some((m, demo)) = setup() else { return };
    let rel = Relation::new(|_: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| -> RelationVerdict {
        panic!("relation bug")
    });
    let r = run_with(&m, &demo, rel).unwrap();
    let e = r.entry("relation.ids").unwrap();
    assert_eq!(e.verdict, report::FAIL);
    assert!(evidence(&r, "inadmissible") > 100.0);
    assert!(r.to_json_string().unwrap().contains("check panicked: relation bug"));
}

#[test]
fn a_panicking_flow_or_facts_closure_is_an_error_naming_it() {
    let Some((m, demo)) = setup() else { return };
    let ok = |_: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| RelationVerdict::Admissible;
    let rel = Relation::new(ok).flow(|_: &RelationPacket<'_>| -> Option<Flow> { panic!("flow bug") });
    let e = run_with(&m, &demo, rel).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert!(e.message().starts_with("relation ids: flow closure panicked on label "), "{}", e.message());
    assert!(e.message().ends_with(": flow bug"), "{}", e.message());
    let rel = Relation::new(ok).facts(|_: &RelationPacket<'_>, _: &mut vnfo::relation::Facts<'_>| panic!("facts bug"));
    let e = run_with(&m, &demo, rel).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert!(e.message().contains("facts closure panicked on label "), "{}", e.message());
    assert!(e.message().ends_with(": facts bug"), "{}", e.message());
}

#[test]
fn relation_input_errors_and_limits() {
    let Some((m, _)) = setup() else { return };
    let ok = |_: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| RelationVerdict::Admissible;
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    let e = v.set_relation("dpi", Relation::new(ok)).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_NOT_FOUND);
    assert!(e.message().contains("\"dpi\""), "{}", e.message());
    let e = v.set_relation("ids", Relation::new(ok).space_names(&["a\0b"])).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    v.set_relation("ids", Relation::new(ok)).unwrap();
    v.remove_relation("ids").unwrap();
    assert_eq!(v.remove_relation("dpi").unwrap_err().status(), sys::VNFO_E_NOT_FOUND);
    assert!(Flow::new(&[], 0).is_none());
    assert!(Flow::new(&[0; KEY_BYTES + 1], 0).is_none());
    assert!(Flow::new(&[0; KEY_BYTES], 0).is_some());
    assert!(Fact::new(0, &[], b"v", 0).is_none());
    assert!(Fact::new(0, b"k", &[0; KEY_BYTES + 1], 0).is_none());
    let f = Fact::new(3, b"k", b"", 7).unwrap();
    assert_eq!((f.space(), f.key(), f.value(), f.hold_ns()), (3, &b"k"[..], &b""[..], 7));
    assert_eq!(FACTS_MAX, 4);
}

#[test]
fn a_removed_relation_is_not_checked() {
    let Some((m, demo)) = setup() else { return };
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    v.set_relation("ids", Relation::new(|_: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| -> RelationVerdict { panic!("called") }))
        .unwrap();
    v.remove_relation("ids").unwrap();
    for c in m.chain() {
        v.add_log_file(&c.name, demo.join("honest").join(format!("{}.log", c.name))).unwrap();
    }
    let r = v.run().unwrap();
    assert!(r.entry("relation.ids").is_none());
}

/// The IPv4 TCP/UDP 5-tuple of an Ethernet frame: protocol, source
/// address and port, destination address and port.
struct Five {
    proto: u8,
    src: [u8; 4],
    sport: u16,
    dst: [u8; 4],
    dport: u16,
}

fn five(frame: &[u8]) -> Option<Five> {
    if frame.len() < 34 || frame[12..14] != [0x08, 0x00] || frame[14] >> 4 != 4 {
        return None;
    }
    let l4 = 14 + usize::from(frame[14] & 0x0f) * 4;
    let proto = frame[23];
    if (proto != 6 && proto != 17) || frame.len() < l4 + 4 {
        return None;
    }
    let port = |o: usize| u16::from_be_bytes([frame[o], frame[o + 1]]);
    Some(Five {
        proto,
        src: frame[26..30].try_into().unwrap(),
        sport: port(l4),
        dst: frame[30..34].try_into().unwrap(),
        dport: port(l4 + 2),
    })
}

const POOL: [u8; 4] = [203, 0, 113, 7];
const HOLD_NS: u64 = 30_000_000_000; // UDP's idle timeout, the shortest a mapping lives

/// A masquerading NAT as a Rust relation (docs/middleboxes.md: pool
/// 203.0.113.7, ports 20000 to 59999 or the flow's own): outbound packets
/// leave from the pool, the rest of the tuple unchanged; one original flow,
/// one rewritten port; one rewritten tuple, one original flow.
fn masquerade<'a>() -> Relation<'a> {
    Relation::new(|p: &RelationPacket<'_>, _: Option<&RelationPacket<'_>>| {
        let Some(i) = five(p.input()) else { return RelationVerdict::NotApplicable };
        if i.dst == POOL {
            return RelationVerdict::NotApplicable; // replies: not judged here
        }
        let Some(out) = p.output() else {
            return RelationVerdict::Inadmissible("an outbound packet was dropped".into());
        };
        let Some(o) = five(out) else { return RelationVerdict::Inadmissible("the output is no TCP/UDP over IPv4".into()) };
        if o.src != POOL {
            return RelationVerdict::Inadmissible(format!("source {:?} is not the pool", o.src));
        }
        if !(20000..=59999).contains(&o.sport) && o.sport != i.sport {
            return RelationVerdict::Inadmissible(format!("port {} neither in range nor the flow's own", o.sport));
        }
        if (o.proto, o.dst, o.dport) != (i.proto, i.dst, i.dport) {
            return RelationVerdict::Inadmissible("the destination changed".into());
        }
        RelationVerdict::Admissible
    })
    .flow(|p: &RelationPacket<'_>| {
        let i = five(p.input())?;
        let mut key = vec![i.proto];
        key.extend_from_slice(&i.src);
        key.extend_from_slice(&i.sport.to_be_bytes());
        key.extend_from_slice(&i.dst);
        key.extend_from_slice(&i.dport.to_be_bytes());
        Flow::new(&key, p.t_in_ns())
    })
    .facts(|p: &RelationPacket<'_>, facts: &mut vnfo::relation::Facts<'_>| {
        let (Some(i), Some(o)) = (five(p.input()), p.output().and_then(five)) else { return };
        if i.dst == POOL {
            return;
        }
        let mut orig = vec![i.proto];
        orig.extend_from_slice(&i.src);
        orig.extend_from_slice(&i.sport.to_be_bytes());
        orig.extend_from_slice(&i.dst);
        orig.extend_from_slice(&i.dport.to_be_bytes());
        let mut rew = vec![o.proto];
        rew.extend_from_slice(&o.sport.to_be_bytes());
        rew.extend_from_slice(&o.dst);
        rew.extend_from_slice(&o.dport.to_be_bytes());
        facts.push(Fact::new(0, &orig, &o.sport.to_be_bytes(), HOLD_NS).unwrap());
        facts.push(Fact::new(1, &rew, &orig[1..7], HOLD_NS).unwrap());
    })
    .space_names(&["one original flow, two rewritten ports", "two original flows, one rewritten tuple"])
}

#[test]
fn a_rust_masquerade_relation_passes_vnfo_simulates_masquerade_nat() {
    let Some((_, demo)) = setup() else { return };
    let tmp = common::TempDir::new("masq");
    let manifest = std::fs::read_to_string(demo.join("manifest.json")).unwrap();
    let masq = manifest.replace("\"function\": \"nat\"", "\"function\": \"masquerade-nat\"");
    assert_ne!(masq, manifest, "the demo manifest names no \"nat\" function");
    std::fs::write(tmp.path().join("manifest.json"), &masq).unwrap();
    let out = std::process::Command::new(common::cli().unwrap())
        .arg("simulate")
        .arg("--manifest")
        .arg(tmp.path().join("manifest.json"))
        .arg("--pcap")
        .arg(demo.join("capture.pcap"))
        .arg("--keys")
        .arg(demo.join("keys"))
        .arg("--out")
        .arg(tmp.path().join("logs"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = Manifest::load(tmp.path().join("manifest.json")).unwrap();
    let mut v = Verifier::new(&m, &VerifyOptions::default()).unwrap();
    v.set_relation("nat", masquerade()).unwrap();
    for c in m.chain() {
        v.add_log_file(&c.name, tmp.path().join("logs").join(format!("{}.log", c.name))).unwrap();
    }
    let r = v.run().unwrap();
    let e = r.entry("relation.nat").unwrap();
    assert_eq!(e.verdict, report::PASS, "{}: {:?}", e.summary, r.to_json_string());
    let ev = |k: &str| r.evidence_number("relation.nat", k).unwrap();
    assert!(ev("checked") > 100.0, "{}", e.summary);
    assert!(ev("facts") > 2.0 * 100.0, "{}", e.summary);
    assert!(ev("flows") > 10.0);
    assert_eq!(ev("conflicts"), 0.0);
}
