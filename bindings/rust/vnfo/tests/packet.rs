mod common;

use std::net::IpAddr;

use vnfo::packet::{self, FieldSet, PacketView, LINKTYPE_ETHERNET, LINKTYPE_RAW};
use vnfo::sys;

#[test]
fn digests_ignore_the_link_layer_and_hop_fields() {
    let f = common::frame(4);
    let d = packet::digest(&f, LINKTYPE_ETHERNET).unwrap();
    assert_eq!(d, packet::digest(&f[14..], LINKTYPE_RAW).unwrap());
    let mut ttl = f;
    ttl[22] = 3; // TTL
    assert_eq!(d, packet::digest(&ttl, LINKTYPE_ETHERNET).unwrap());
    let mut payload = f;
    payload[45] ^= 1;
    assert_ne!(d, packet::digest(&payload, LINKTYPE_ETHERNET).unwrap());
    let v = PacketView::parse(&f, LINKTYPE_ETHERNET).unwrap();
    assert_eq!(v.digest().unwrap(), d);
}

#[test]
fn views_and_flow_keys() {
    let f = common::frame(0x0102);
    let v = PacketView::parse(&f, LINKTYPE_ETHERNET).unwrap();
    assert_eq!((v.ip_version(), v.proto(), v.ports()), (4, 17, Some((12345, 1))));
    let k = v.flow_key();
    let (src, dst) = packet::flow_key_addrs(&k);
    assert_eq!((src, dst), ("10.0.0.1".parse::<IpAddr>().unwrap(), "192.0.2.7".parse().unwrap()));
    let same = packet::flow_key(src, dst, 17, 12345, 1);
    assert_eq!((same.src, same.dst, same.src_port, same.dst_port, same.proto), (k.src, k.dst, k.src_port, k.dst_port, k.proto));
    let fields = FieldSet::parse("ip.src,ip.dst").unwrap();
    let mut buf = [0u8; sys::VNFO_PACKET_FIELDS_MAX_BYTES as usize];
    let n = fields.extract(&mut buf, &v, 0).unwrap();
    assert_eq!(&buf[..n], &[10, 0, 0, 1, 192, 0, 2, 7]);
}

#[test]
fn bad_packets_give_their_status() {
    let f = common::frame(0);
    assert_eq!(PacketView::parse(&f[..20], LINKTYPE_ETHERNET).unwrap_err().status(), sys::VNFO_E_PACKET_TRUNCATED);
    assert_eq!(packet::digest(&f, 9999).unwrap_err().status(), sys::VNFO_E_PACKET_UNSUPPORTED);
    let mut bad = f;
    bad[14] = 0x43; // IHL 3
    let e = packet::digest(&bad, LINKTYPE_ETHERNET).unwrap_err();
    assert_eq!(e.name(), "VNFO_E_PACKET_MALFORMED");
    assert_eq!(e.message(), ""); // hot path: status only
    assert!(!e.to_string().is_empty());
    let e = FieldSet::parse("ip.src,ip.bogus").unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_PACKET_FIELD_UNKNOWN);
    assert!(e.message().contains("ip.bogus"), "{}", e.message());
}
