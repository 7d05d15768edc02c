mod common;

use vnfo::packet::LINKTYPE_IPV4;
use vnfo::record::{PacketRecord, Record, DROPPED, FORMAT_VERSION, FORWARDED, HEARTBEAT, LOSS_NOTICE, PACKET, PERIOD_CLOSE};
use vnfo::sys;

#[test]
fn records_round_trip_through_the_canonical_encoding() {
    let p = PacketRecord {
        hop: 2,
        label: 0xdead_beef,
        flowtag: 77,
        digest_in: [1; 16],
        digest_out: [2; 16],
        verdict: FORWARDED,
        t_in_ns: 5,
        t_out_ns: 9,
        cpu_cycles: 1234,
        mem_bytes: 4096,
        state_digest: Some([3; 32]),
        link_type: Some(LINKTYPE_IPV4),
        wire_len: 1514,
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
    assert_eq!((back.kind(), back.format_version()), (PACKET, FORMAT_VERSION));
    assert_eq!(FORMAT_VERSION, 2);
    assert_eq!(back.packet_fields().unwrap(), p);
    assert_eq!(back.counters(), vec![(&b"regex_matches"[..], 12)]);
    assert_eq!(back.packet_bytes().unwrap(), (&pkt[..], &pkt[..]));
    let json = back.to_json().unwrap();
    assert_eq!(json["label"], serde_json::json!(0xdead_beefu64));
    assert_eq!(json["counters"]["regex_matches"], serde_json::json!(12));
    assert_eq!(json["link_type"], serde_json::json!(228));
    assert_eq!(json["wire_len"], serde_json::json!(1514));
    assert_eq!(json["version"], serde_json::json!(2));
}

#[test]
fn an_unstated_link_type_stays_unstated() {
    let rec = Record::packet(&PacketRecord { label: 7, ..PacketRecord::default() });
    let back_bytes = rec.to_vec().unwrap();
    let back = Record::decode(&back_bytes).unwrap();
    let p = back.packet_fields().unwrap();
    assert_eq!((p.link_type, p.wire_len), (None, 0));
    let json = back.to_json().unwrap();
    assert_eq!(json["link_type"], serde_json::Value::Null);
    assert_eq!(json["wire_len"], serde_json::json!(0));
    // Beyond the 16-bit pcap link types: refused by the encoder.
    let wide = Record::packet(&PacketRecord { link_type: Some(65536), ..PacketRecord::default() });
    assert_eq!(wide.to_vec().unwrap_err().status(), sys::VNFO_E_INVALID_ARGUMENT);
}

#[test]
fn a_dropped_packet_has_no_out_digest() {
    // Format 2 (FORMAT.md 1.1): a dropped record with an out digest is refused.
    let dropped = PacketRecord { verdict: DROPPED, digest_in: [1; 16], digest_out: [2; 16], ..PacketRecord::default() };
    assert_eq!(Record::packet(&dropped).to_vec().unwrap_err().status(), sys::VNFO_E_INVALID_ARGUMENT);
    let dropped = PacketRecord { digest_out: [0; 16], ..dropped };
    let bytes = Record::packet(&dropped).to_vec().unwrap();
    assert_eq!(Record::decode(&bytes).unwrap().packet_fields().unwrap(), dropped);
}

#[test]
fn heartbeats_and_period_closes_round_trip() {
    let hb = Record::heartbeat(1_700_000_000_000_000_000);
    let bytes = hb.to_vec().unwrap();
    let back = Record::decode(&bytes).unwrap();
    assert_eq!(back.kind(), HEARTBEAT);
    assert_eq!(back.as_heartbeat().unwrap().time_ns, 1_700_000_000_000_000_000);
    assert!(back.as_period_close().is_none() && back.as_packet().is_none());
    let json = back.to_json().unwrap();
    assert_eq!(json["type"], "heartbeat");
    assert_eq!(json["time_ns"], serde_json::json!(1_700_000_000_000_000_000u64));

    let pc = Record::period_close(100, 200, 250);
    let bytes = pc.to_vec().unwrap();
    let back = Record::decode(&bytes).unwrap();
    assert_eq!(back.kind(), PERIOD_CLOSE);
    let c = back.as_period_close().unwrap();
    assert_eq!((c.period_start_ns, c.period_end_ns, c.time_ns), (100, 200, 250));
    assert!(back.as_heartbeat().is_none());
    let json = back.to_json().unwrap();
    assert_eq!(json["type"], "period_close");
    assert_eq!((json["period_start_ns"].as_u64(), json["period_end_ns"].as_u64(), json["time_ns"].as_u64()), (Some(100), Some(200), Some(250)));
    // An inverted period does not encode.
    assert_eq!(Record::period_close(200, 100, 250).to_vec().unwrap_err().status(), sys::VNFO_E_INVALID_ARGUMENT);
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
    good.push(0); // trailing byte: not the one canonical encoding
    let e = Record::decode(&good).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_RECORD_NONCANONICAL);
    assert!(e.message().contains("trailing bytes"), "{}", e.message());
    good.pop();
    let back = Record::decode(&good).unwrap();
    assert_eq!(back.kind(), LOSS_NOTICE);
    assert_eq!(back.as_loss_notice().unwrap().count, 3);
    assert_eq!(Record::new(99).unwrap_err().status(), sys::VNFO_E_INVALID_ARGUMENT);
}
