mod common;

use std::net::IpAddr;

use vnfo::flowtag::{self, Carrier, FlowTagTable, Options};
use vnfo::packet::{self, PacketView, LINKTYPE_ETHERNET};
use vnfo::{sys, Record};

fn key(last: u8, port: u16) -> packet::FlowKey {
    let src: IpAddr = format!("10.0.0.{}", last).parse().unwrap();
    packet::flow_key(src, "192.0.2.7".parse().unwrap(), 6, port, 80)
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn table_binds_consumes_and_survives_a_restart() {
    assert_send_sync::<FlowTagTable>();
    let mut t = FlowTagTable::new(&Options::default().width_bits(12).capacity(100).node_id(4)).unwrap();
    let (orig, nat) = (key(1, 1000), key(99, 40000));
    let ev = t.generate(&orig, &nat, 1, 0, 10).unwrap();
    assert_eq!(ev.kind, sys::VNFO_FLOWTAG_EVENT_BIND);
    let tag = ev.context.tag;
    assert!(tag > 0 && tag < 4096);
    let again = t.generate(&orig, &nat, 1, 0, 11).unwrap();
    assert_eq!((again.kind, again.context.tag), (sys::VNFO_FLOWTAG_EVENT_NONE, tag)); // nothing changed
    let c = t.consume(tag).unwrap();
    assert_eq!((c.node_id, c.original.src, c.rewritten.src_port), (4, orig.src, 40000));
    assert_eq!(t.lookup(&orig).unwrap().tag, tag);
    assert_eq!(t.stats().live, 1);
    assert_eq!(t.contexts().len(), 1);

    let bytes = t.serialize().unwrap();
    let restored = FlowTagTable::deserialize(&bytes).unwrap();
    assert_eq!(restored.consume(tag).unwrap().original.src, orig.src);
    let e = FlowTagTable::deserialize(&bytes[..bytes.len() / 2]).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_FLOWTAG_FORMAT);
    assert!(e.message().starts_with("flowtag table: byte "), "{}", e.message());

    // Mapping events go into the log as records, and back.
    let rec = flowtag::event_to_record(&ev).unwrap();
    let bytes = rec.to_vec().unwrap();
    let back = flowtag::event_from_record(&Record::decode(&bytes).unwrap()).unwrap();
    assert_eq!(back.context.tag, tag);

    let rel = t.release(tag, 20).unwrap();
    assert_eq!(rel.kind, sys::VNFO_FLOWTAG_EVENT_EXPIRE);
    assert_eq!(t.consume(tag).unwrap_err().status(), sys::VNFO_E_FLOWTAG_UNKNOWN);
}

#[test]
fn a_full_table_refuses_and_idle_flows_expire() {
    let mut t = FlowTagTable::new(&Options::default().capacity(2).idle_timeout(100)).unwrap();
    t.generate(&key(1, 1), &key(1, 1), 0, 0, 0).unwrap();
    t.generate(&key(2, 1), &key(2, 1), 0, 0, 0).unwrap();
    let e = t.generate(&key(3, 1), &key(3, 1), 0, 0, 0).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_FLOWTAG_FULL);
    let mut events = [flowtag::Event::default(); 8];
    let expired = t.expire(1000, &mut events).unwrap();
    assert_eq!(expired.len(), 2);
    assert!(expired.iter().all(|e| e.kind == sys::VNFO_FLOWTAG_EVENT_EXPIRE));
    assert_eq!(t.stats().live, 0);
    let e = FlowTagTable::new(&Options::default().width_bits(7)).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
}

#[test]
fn carriers_write_and_read_in_place() {
    // The shim frame with an 802.1Q tag inserted after the MAC addresses.
    let plain = common::frame(1);
    let mut f = Vec::new();
    f.extend_from_slice(&plain[..12]);
    f.extend_from_slice(&[0x81, 0x00, 0x00, 0x05]);
    f.extend_from_slice(&plain[12..]);
    Carrier::Vlan.write(&mut f, 0, 12, 0xabc).unwrap();
    assert_eq!(Carrier::Vlan.read(&f, 0, 12).unwrap(), 0xabc);
    assert_eq!(Carrier::Vlan.bits(), 12);
    let e = Carrier::Vlan.write(&mut f, 0, 24, 1).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_FLOWTAG_WIDTH);
    let e = Carrier::Vlan.read(&plain, 0, 12).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_FLOWTAG_CARRIER);

    // DSCP: the digest ignores DSCP, so tagging keeps the packet digest.
    let mut g = plain;
    let before = packet::digest(&g, LINKTYPE_ETHERNET).unwrap();
    Carrier::Ipv4Dscp.write(&mut g, 14, 6, 33).unwrap();
    assert_eq!(Carrier::Ipv4Dscp.read(&g, 14, 6).unwrap(), 33);
    assert_eq!(packet::digest(&g, LINKTYPE_ETHERNET).unwrap(), before);
    assert!(PacketView::parse(&g, LINKTYPE_ETHERNET).is_ok());

    let tlv = flowtag::nsh_tlv(0x01020304).unwrap();
    assert_eq!(&tlv[4..], &[1, 2, 3, 4]);
}
