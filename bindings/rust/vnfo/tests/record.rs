mod common;

use vnfo::record::{PacketRecord, Record, DROPPED, LOSS_NOTICE, PACKET};
use vnfo::sys;

#[test]
fn records_round_trip_through_the_canonical_encoding() {
    let p = PacketRecord {
        hop: 2,
        label: 0xdead_beef,
        flowtag: 77,
        digest_in: [1; 16],
        digest_out: [2; 16],
        verdict: DROPPED,
        t_in_ns: 5,
        t_out_ns: 9,
        cpu_cycles: 1234,
        mem_bytes: 4096,
        state_digest: Some([3; 32]),
    };
    let names = String::from("regex_matches");
    let pkt = common::frame(1);
    let rec = Record::packet(&p)
        .with_counters(&[(names.as_str(), 12)])
        .unwrap()
        .with_packet_bytes(sys::VNFO_GRANULARITY_FULL, &pkt, &pkt)
        .unwrap();
    let mut buf = [0u8; 2048];
    let n = rec.encode(&mut buf).unwrap();
    assert_eq!(n, rec.encoded_size().unwrap());
    assert_eq!(rec.to_vec().unwrap(), &buf[..n]);
    let back = Record::decode(&buf[..n]).unwrap();
    assert_eq!(back.kind(), PACKET);
    assert_eq!(back.packet_fields().unwrap(), p);
    assert_eq!(back.counters(), vec![(&b"regex_matches"[..], 12)]);
    assert_eq!(back.packet_bytes().unwrap(), (&pkt[..], &pkt[..]));
    let json = back.to_json().unwrap();
    assert_eq!(json["label"], serde_json::json!(0xdead_beefu64));
    assert_eq!(json["counters"]["regex_matches"], serde_json::json!(12));
}

#[test]
fn a_small_buffer_reports_the_size_needed() {
    let rec = Record::packet(&PacketRecord::default());
    let e = rec.encode(&mut [0u8; 4]).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_BUFFER_TOO_SMALL);
}

#[test]
fn malformed_and_noncanonical_bytes_are_refused() {
    let e = Record::decode(b"\x93\x01\x02").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_RECORD_MALFORMED);
    assert!(!e.message().is_empty());
    let mut good = Record::loss_notice(3, sys::VNFO_LOSS_SINK_FAILURE, 99).to_vec().unwrap();
    good.push(0); // trailing byte
    let e = Record::decode(&good).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_RECORD_MALFORMED);
    good.pop();
    let back = Record::decode(&good).unwrap();
    assert_eq!(back.kind(), LOSS_NOTICE);
    assert_eq!(back.as_loss_notice().unwrap().count, 3);
    assert_eq!(Record::new(99).unwrap_err().status(), sys::VNFO_E_INVALID_ARGUMENT);
}
