//! Reads a pcap or pcapng capture with the pcap-file crate into memory, as
//! libpcap presents it to `vnfo sample`: one link type for the file (that
//! of the first pcapng interface), reading stops at the first error.

use std::path::Path;

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::{Block, PcapNgReader};

/// The packets of a capture.
pub struct Capture {
    /// pcap LINKTYPE number (raw IP as 101, whatever the writer's platform).
    pub linktype: u32,
    /// Captured bytes of each packet, in order.
    pub packets: Vec<Vec<u8>>,
    /// Why reading stopped early, if it did.
    pub error: Option<String>,
}

/// The link type as libpcap reads it: the high bits of the pcap header's
/// field carry FCS information (LT_LINKTYPE() keeps the low 26), and
/// DLT_RAW is 12 or 14 on some platforms, whose captures carry those
/// numbers for raw IP.
fn normalise(field: u32) -> u32 {
    match field & 0x03ff_ffff {
        12 | 14 => 101,
        t => t,
    }
}

/// Reads `path`; Err when it is not a capture at all.
pub fn read_capture(path: &Path) -> Result<Capture, String> {
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    if data.len() >= 4 && data[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        read_pcapng(&data)
    } else {
        read_pcap(&data)
    }
}

/// libpcap's largest snapshot length; it reads a file whose header says 0
/// or more as this.
const MAX_SNAPLEN: u32 = 262_144;

fn read_pcap(data: &[u8]) -> Result<Capture, String> {
    // pcap-file refuses packets longer than the header's snapshot length;
    // libpcap reads them and keeps their first snaplen bytes.  So the copy
    // pcap-file parses says MAX_SNAPLEN, and packets are cut here instead.
    let mut data = data.to_vec();
    let mut snaplen = MAX_SNAPLEN;
    if data.len() >= 24 {
        let field: [u8; 4] = [data[16], data[17], data[18], data[19]];
        let little = data[0] == 0xd4 || data[0] == 0x4d; // magic a1b2c3d4 or a1b23c4d, little-endian
        let s = if little { u32::from_le_bytes(field) } else { u32::from_be_bytes(field) };
        if s > 0 && s < MAX_SNAPLEN {
            snaplen = s;
        }
        data[16..20].copy_from_slice(&[0xff; 4]);
    }
    let mut r = PcapReader::new(&data[..]).map_err(|e| e.to_string())?;
    let mut cap = Capture { linktype: normalise(u32::from(r.header().datalink)), packets: Vec::new(), error: None };
    while let Some(p) = r.next_packet() {
        match p {
            Ok(p) => {
                let keep = p.data.len().min(snaplen as usize);
                cap.packets.push(p.data[..keep].to_vec())
            }
            Err(e) => {
                cap.error = Some(e.to_string());
                break;
            }
        }
    }
    Ok(cap)
}

fn read_pcapng(data: &[u8]) -> Result<Capture, String> {
    let mut r = PcapNgReader::new(data).map_err(|e| e.to_string())?;
    let mut linktypes: Vec<u32> = Vec::new();
    let mut cap = Capture { linktype: 0, packets: Vec::new(), error: None };
    while let Some(block) = r.next_block() {
        let (iface, bytes) = match block {
            Ok(Block::InterfaceDescription(idb)) => {
                linktypes.push(normalise(u32::from(idb.linktype)));
                if linktypes.len() == 1 {
                    cap.linktype = linktypes[0];
                }
                continue;
            }
            Ok(Block::EnhancedPacket(p)) => (p.interface_id as usize, p.data.into_owned()),
            Ok(Block::SimplePacket(p)) => (0, p.data.into_owned()),
            Ok(Block::Packet(p)) => (p.interface_id as usize, p.data.into_owned()),
            Ok(_) => continue,
            Err(e) => {
                cap.error = Some(e.to_string());
                break;
            }
        };
        if linktypes.get(iface) != Some(&cap.linktype) {
            cap.error = Some(format!("packet of interface {} with another or no link type", iface));
            break;
        }
        cap.packets.push(bytes);
    }
    if linktypes.is_empty() {
        return Err("no interface description block".into());
    }
    Ok(cap)
}
