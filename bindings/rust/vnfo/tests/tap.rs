mod common;

use std::cell::RefCell;
use std::fmt;

use common::frame;
use vnfo::log::{LogReader, LogReaderOptions, LogWriter, LogWriterOptions};
use vnfo::packet::{self, FieldSet, LINKTYPE_ETHERNET};
use vnfo::record::{PacketRecord, Record, DROPPED, FORWARDED, GENERATED, HEARTBEAT, LOSS_NOTICE, PACKET, PERIOD_CLOSE};
use vnfo::sampler::SamplingKey;
use vnfo::tap::{Tap, TapError, TapOptions, TapStats};
use vnfo::{sys, Sampler, SamplerOptions, SigningKey};

fn assert_send<T: Send>() {}

/// A sampler that selects every frame it can hash.
fn every_frame() -> Sampler {
    Sampler::new(&SamplerOptions::default().rate(1, 1), &SamplingKey::from_bytes([7u8; 32])).unwrap()
}

fn label(s: &Sampler, f: &[u8]) -> u64 {
    s.label(f, LINKTYPE_ETHERNET, 0).unwrap()
}

fn digest(f: &[u8]) -> [u8; 16] {
    packet::digest(f, LINKTYPE_ETHERNET).unwrap()
}

/// What the emit closure saw, copied out of the borrowed record.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Packet(PacketRecord, Vec<u8>, Vec<u8>),
    Loss { count: u64, reason: u32, time_ns: u64 },
}

fn seen(r: &Record<'_>) -> Seen {
    match r.kind() {
        PACKET => {
            let (bin, bout) = r.packet_bytes().unwrap();
            Seen::Packet(r.packet_fields().unwrap(), bin.to_vec(), bout.to_vec())
        }
        LOSS_NOTICE => {
            let l = r.as_loss_notice().unwrap();
            Seen::Loss { count: l.count, reason: l.reason, time_ns: l.time_ns }
        }
        k => panic!("the tap emitted a record of type {}", k),
    }
}

fn opts(hop: u32, timeout_ns: u64, capacity: u32) -> TapOptions {
    TapOptions { hop, timeout_ns, capacity, ..TapOptions::default() }
}

#[test]
fn thread_rules_and_defaults() {
    assert_send::<Tap<'static, fn(&Record<'_>) -> Result<(), vnfo::Error>, vnfo::Error>>();
    let d = TapOptions::default();
    assert_eq!((d.hop, d.timeout_ns, d.capacity), (0, 1_000_000_000, 65536));
    assert_eq!((d.granularity, d.full_bytes), (sys::VNFO_GRANULARITY_DIGEST, 2048));
    assert_eq!((vnfo::tap::DEFAULT_CAPACITY, vnfo::tap::MAX_CAPACITY), (65536, 1 << 24));
}

#[test]
fn forwarded_dropped_and_generated_with_exact_fields() {
    let s = every_frame();
    let (f1, f2, f3) = (frame(1), frame(2), frame(3));
    let mut out = Vec::new();
    let mut tap = Tap::new(&opts(2, 1000, 8), &s, |r: &Record<'_>| -> Result<(), ()> {
        out.push(seen(r));
        Ok(())
    })
    .unwrap();
    tap.ingress(&f1, 70, LINKTYPE_ETHERNET, 100).unwrap();
    tap.ingress(b"not a frame", 0, LINKTYPE_ETHERNET, 110).unwrap(); // undecidable: counted only
    tap.egress(&f1, 70, LINKTYPE_ETHERNET, 150).unwrap();
    tap.ingress(&f2, 0, LINKTYPE_ETHERNET, 200).unwrap();
    tap.expire(1200).unwrap(); // 1000 ns after f2: not yet expired
    tap.expire(1201).unwrap();
    tap.egress(&f3, 0, LINKTYPE_ETHERNET, 1400).unwrap();
    let stats: TapStats = tap.stats();
    drop(tap);

    let base = PacketRecord { hop: 2, link_type: Some(LINKTYPE_ETHERNET), ..PacketRecord::default() };
    let forwarded = PacketRecord {
        label: label(&s, &f1),
        digest_in: digest(&f1),
        digest_out: digest(&f1),
        verdict: FORWARDED,
        t_in_ns: 100,
        t_out_ns: 150,
        wire_len: 70,
        ..base
    };
    // A black box's drop time cannot be observed: t_out = t_in.
    let dropped =
        PacketRecord { label: label(&s, &f2), digest_in: digest(&f2), verdict: DROPPED, t_in_ns: 200, t_out_ns: 200, wire_len: 64, ..base };
    let generated =
        PacketRecord { label: label(&s, &f3), digest_out: digest(&f3), verdict: GENERATED, t_in_ns: 1400, t_out_ns: 1400, wire_len: 64, ..base };
    assert_eq!(
        out,
        [
            Seen::Packet(forwarded, vec![], vec![]),
            Seen::Packet(dropped, vec![], vec![]),
            Seen::Packet(generated, vec![], vec![])
        ]
    );
    assert_eq!((stats.ingress_frames, stats.egress_frames, stats.undecidable), (3, 2, 1));
    assert_eq!((stats.ingress_selected, stats.egress_selected), (2, 2));
    assert_eq!((stats.forwarded, stats.dropped, stats.generated), (1, 1, 1));
    assert_eq!((stats.overflow, stats.loss_notices, stats.pending, stats.pending_peak), (0, 0, 0, 1));
}

#[test]
fn a_nat_is_paired_at_full_granularity_and_duplicates_pair_first_in_first_out() {
    // The nat-safe field set leaves addresses and ports out of the label
    // (docs/tap.md, "Pairing through a NAT").
    let nat_safe = SamplerOptions::default().rate(1, 1).fields(FieldSet::parse("nat-safe").unwrap());
    let s = Sampler::new(&nat_safe, &SamplingKey::from_bytes([7u8; 32])).unwrap();
    let f = frame(5);
    let mut rewritten = f;
    rewritten[26..30].copy_from_slice(&[203, 0, 113, 9]); // the NAT's source address
    assert_eq!(label(&s, &rewritten), label(&s, &f));
    assert_ne!(digest(&rewritten), digest(&f));
    let mut out = Vec::new();
    let o = TapOptions { granularity: sys::VNFO_GRANULARITY_FULL, full_bytes: 128, ..opts(0, 1000, 4) };
    let mut tap = Tap::new(&o, &s, |r: &Record<'_>| -> Result<(), ()> {
        out.push(seen(r));
        Ok(())
    })
    .unwrap();
    tap.ingress(&f, 0, LINKTYPE_ETHERNET, 10).unwrap();
    tap.ingress(&f, 0, LINKTYPE_ETHERNET, 20).unwrap(); // an exact duplicate
    tap.egress(&rewritten, 0, LINKTYPE_ETHERNET, 30).unwrap();
    tap.finish().unwrap();
    assert_eq!(tap.stats().pending, 0);
    drop(tap);
    assert_eq!(out.len(), 2);
    match &out[0] {
        Seen::Packet(p, bin, bout) => {
            assert_eq!((p.verdict, p.t_in_ns, p.t_out_ns), (FORWARDED, 10, 30), "the older one pairs first");
            assert_eq!((p.digest_in, p.digest_out), (digest(&f), digest(&rewritten)));
            assert_eq!((&bin[..], &bout[..]), (&f[..], &rewritten[..]));
        }
        other => panic!("{:?}", other),
    }
    match &out[1] {
        Seen::Packet(p, bin, bout) => {
            assert_eq!((p.verdict, p.t_in_ns), (DROPPED, 20));
            assert_eq!((&bin[..], bout.len()), (&f[..], 0));
        }
        other => panic!("{:?}", other),
    }
}

#[test]
fn overflow_and_capture_loss_become_loss_notices() {
    let s = every_frame();
    let mut out = Vec::new();
    let mut tap = Tap::new(&opts(0, 1_000_000, 2), &s, |r: &Record<'_>| -> Result<(), ()> {
        out.push(seen(r));
        Ok(())
    })
    .unwrap();
    for i in 0..3u32 {
        tap.ingress(&frame(i), 0, LINKTYPE_ETHERNET, 100 + u64::from(i)).unwrap();
    }
    let st = tap.stats();
    assert_eq!((st.ingress_selected, st.overflow, st.pending, st.pending_peak), (3, 1, 2, 2));
    tap.expire(500).unwrap(); // nothing expires; the overflow is reported
    tap.add_capture_loss(5).unwrap();
    tap.finish().unwrap();
    let st = tap.stats();
    drop(tap);
    let queue = sys::VNFO_LOSS_QUEUE_OVERFLOW;
    assert_eq!(out.len(), 4, "{:?}", out);
    assert_eq!(out[0], Seen::Loss { count: 1, reason: queue, time_ns: 500 });
    for (rec, i) in out[1..3].iter().zip(0u64..) {
        match rec {
            Seen::Packet(p, _, _) => assert_eq!((p.verdict, p.t_in_ns), (DROPPED, 100 + i)),
            other => panic!("{:?}", other),
        }
    }
    assert_eq!(out[3], Seen::Loss { count: 5, reason: queue, time_ns: 500 });
    assert_eq!((st.dropped, st.loss_notices, st.pending), (2, 2, 0));
}

#[derive(Debug, PartialEq)]
struct Full(usize);

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "queue full after {} records", self.0)
    }
}

impl std::error::Error for Full {}

#[test]
fn a_closure_error_is_returned_and_the_tap_stays_consistent() {
    let s = every_frame();
    let mut calls = 0usize;
    let mut tap = Tap::new(&opts(0, 1000, 8), &s, |_: &Record<'_>| -> Result<(), Full> {
        calls += 1;
        Err(Full(calls))
    })
    .unwrap();
    tap.ingress(&frame(1), 0, LINKTYPE_ETHERNET, 0).unwrap(); // nothing to emit
    let e = tap.egress(&frame(1), 0, LINKTYPE_ETHERNET, 10).unwrap_err();
    assert_eq!(e.to_string(), "the tap's emit closure failed: queue full after 1 records");
    assert!(matches!(e, TapError::Emit(Full(1))));
    assert_eq!(std::error::Error::source(&e).unwrap().to_string(), "queue full after 1 records");
    // Two frames expire in one call: both are handed over, the first error is returned.
    tap.ingress(&frame(2), 0, LINKTYPE_ETHERNET, 20).unwrap();
    tap.ingress(&frame(3), 0, LINKTYPE_ETHERNET, 30).unwrap();
    match tap.expire(5000) {
        Err(TapError::Emit(Full(n))) => assert_eq!(n, 2),
        other => panic!("{:?}", other),
    }
    let st = tap.stats();
    assert_eq!((st.forwarded, st.dropped, st.pending), (1, 2, 0), "failed records still count as emitted");
    tap.expire(6000).unwrap(); // nothing left to emit
    drop(tap);
    assert_eq!(calls, 3);
}

#[test]
fn a_panicking_closure_does_not_unwind_through_c() {
    let s = every_frame();
    let mut calls = 0usize;
    let mut tap = Tap::new(&opts(0, 1000, 8), &s, |_: &Record<'_>| -> Result<(), Full> {
        calls += 1;
        panic!("emit bug");
    })
    .unwrap();
    let e = tap.egress(&frame(1), 0, LINKTYPE_ETHERNET, 10).unwrap_err();
    assert!(matches!(&e, TapError::EmitPanicked(m) if m == "emit bug"), "{:?}", e);
    assert_eq!(e.to_string(), "the tap's emit closure panicked: emit bug");
    tap.ingress(&frame(2), 0, LINKTYPE_ETHERNET, 20).unwrap(); // no record: fine
    let e = tap.finish().unwrap_err(); // a record, but the closure is not called again
    assert!(matches!(&e, TapError::EmitPanicked(m) if m == "emit bug"), "{:?}", e);
    assert_eq!(tap.stats().dropped, 1);
    drop(tap);
    assert_eq!(calls, 1);
}

#[test]
fn bad_options_name_the_field() {
    let s = every_frame();
    let nothing = |_: &Record<'_>| -> Result<(), ()> { Ok(()) };
    let e = Tap::new(&opts(0, 1000, 0), &s, nothing).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_LIMIT_EXCEEDED);
    assert_eq!(e.message(), "tap options: capacity 0 is outside 1..16777216");
    let e = Tap::new(&opts(0, 0, 8), &s, nothing).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert_eq!(e.message(), "tap options: timeout_ns is 0");
    let full = TapOptions { granularity: sys::VNFO_GRANULARITY_FULL, full_bytes: 64, ..opts(0, 1000, 8) };
    let e = Tap::new(&full, &s, nothing).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_LIMIT_EXCEEDED);
    assert!(e.message().contains("full_bytes 64"), "{}", e.message());
    let odd = TapOptions { granularity: 7, ..opts(0, 1000, 8) };
    let e = Tap::new(&odd, &s, nothing).unwrap_err();
    assert_eq!(e.message(), "tap options: unknown granularity 7");
}

#[test]
fn dropping_a_tap_records_what_is_pending() {
    let s = every_frame();
    let mut out = Vec::new();
    {
        let mut tap = Tap::new(&opts(0, 1000, 8), &s, |r: &Record<'_>| -> Result<(), ()> {
            out.push(seen(r));
            Ok(())
        })
        .unwrap();
        tap.ingress(&frame(1), 0, LINKTYPE_ETHERNET, 10).unwrap();
    }
    assert!(matches!(&out[..], [Seen::Packet(p, _, _)] if p.verdict == DROPPED && p.t_in_ns == 10), "{:?}", out);
}

/// The tap's records, through a log writer shared with the capture loop
/// (which also writes a heartbeat and closes the period), into a signed log
/// that the reader verifies and gives back unchanged.
#[test]
fn tap_records_round_trip_through_a_signed_log() {
    let s = every_frame();
    let key = SigningKey::from_seed(&[9u8; 32]).unwrap();
    let writer = RefCell::new(LogWriter::new(&LogWriterOptions::default().node_id(4).batch_records(3), &key, Vec::new()).unwrap());
    let mut emitted = Vec::new();
    {
        let mut tap = Tap::new(&opts(1, 1000, 2), &s, |r: &Record<'_>| {
            emitted.push(seen(r));
            writer.borrow_mut().append(r)
        })
        .unwrap();
        tap.ingress(&frame(1), 0, LINKTYPE_ETHERNET, 100).unwrap();
        tap.ingress(&frame(2), 0, LINKTYPE_ETHERNET, 110).unwrap();
        tap.ingress(&frame(3), 0, LINKTYPE_ETHERNET, 120).unwrap(); // overflow
        tap.egress(&frame(1), 0, LINKTYPE_ETHERNET, 130).unwrap();
        tap.egress(&frame(9), 0, LINKTYPE_ETHERNET, 140).unwrap();
        tap.expire(150).unwrap();
        writer.borrow_mut().heartbeat(160).unwrap();
        tap.finish().unwrap();
    }
    let mut w = writer.into_inner();
    w.close_period(0, 1_000_000, 170).unwrap();
    let bytes = w.finish().unwrap();

    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key()).node_id(4)).unwrap();
    r.add_buffer(&bytes, "tap.log").unwrap();
    r.verify().unwrap();
    let recs: Vec<Record<'_>> = r.records().collect::<Result<_, _>>().unwrap();
    let kinds: Vec<u32> = recs.iter().map(|r| r.kind()).collect();
    assert_eq!(kinds, [PACKET, PACKET, LOSS_NOTICE, HEARTBEAT, PACKET, PERIOD_CLOSE]);
    let logged: Vec<Seen> = recs.iter().filter(|r| r.kind() == PACKET || r.kind() == LOSS_NOTICE).map(seen).collect();
    assert_eq!(logged, emitted);
    let verdicts: Vec<u32> = logged
        .iter()
        .filter_map(|x| match x {
            Seen::Packet(p, _, _) => Some(p.verdict),
            _ => None,
        })
        .collect();
    assert_eq!(verdicts, [FORWARDED, GENERATED, DROPPED]);
    assert!(recs.iter().enumerate().all(|(i, r)| r.seq() == i as u64 && r.node_id() == 4));
    let json = recs[0].to_json().unwrap();
    assert_eq!((json["verdict"].as_str(), json["hop"].as_u64()), (Some("forwarded"), Some(1)));
    assert_eq!((json["link_type"].as_u64(), json["wire_len"].as_u64()), (Some(1), Some(64)));
    assert_eq!(recs[2].to_json().unwrap()["reason"], "queue_overflow");
    assert_eq!(recs[3].as_heartbeat().unwrap().time_ns, 160);
    assert_eq!(recs[5].as_period_close().unwrap().period_end_ns, 1_000_000);
}
