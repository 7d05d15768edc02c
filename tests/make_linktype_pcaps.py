#!/usr/bin/env python3
"""Link-type captures for tests/format_cli.sh, without libpcap.

    make_linktype_pcaps.py convert IN.pcap OUTDIR
        writes OUTDIR/lt228.pcap (raw IPv4), lt229.pcap (raw IPv6),
        lt101.pcap (raw IP) and lt113.pcap (Linux cooked) from the untagged
        IPv4/IPv6 frames of an Ethernet capture;
    make_linktype_pcaps.py find DIR MIN_PACKETS
        prints the classic pcap files of DIR whose link type is 228, 229,
        101 or 113 and that hold at least MIN_PACKETS packets, one per line
        as "LINKTYPE PATH" (pcapng files are skipped)."""
import os
import struct
import sys

MAGICS = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
          b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}


def read_pcap(path):
    """(magic, snaplen, linktype, [(ts_hi, ts_lo, orig_len, data)])."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24 or data[:4] not in MAGICS:
        return None
    e = MAGICS[data[:4]]
    snaplen, linktype = struct.unpack(e + "II", data[16:24])
    packets, off = [], 24
    while off + 16 <= len(data):
        hi, lo, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        if incl > len(data) - off - 16:
            break
        packets.append((hi, lo, orig, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:4], e, snaplen, linktype & 0xffff, packets


def write_pcap(path, magic, e, snaplen, linktype, packets):
    with open(path, "wb") as f:
        f.write(magic + struct.pack(e + "HHiIII", 2, 4, 0, 0, snaplen, linktype))
        for hi, lo, orig, body in packets:
            f.write(struct.pack(e + "IIII", hi, lo, len(body), orig) + body)


def convert(src, outdir):
    magic, e, snaplen, linktype, packets = read_pcap(src)
    assert linktype == 1, "expected an Ethernet capture"
    out = {228: [], 229: [], 101: [], 113: []}
    for hi, lo, orig, frame in packets:
        etype = frame[12:14]
        if etype not in (b"\x08\x00", b"\x86\xdd"):
            continue  # VLAN-tagged and non-IP frames have no raw-IP form here
        ip = frame[14:]
        if etype == b"\x08\x00":
            out[228].append((hi, lo, orig - 14, ip))
        else:
            out[229].append((hi, lo, orig - 14, ip))
        out[101].append((hi, lo, orig - 14, ip))
        # SLL: packet type 0 (to us), ARPHRD_ETHER, address length 6, the
        # source MAC padded to 8 bytes, then the protocol.
        sll = b"\x00\x00\x00\x01\x00\x06" + frame[6:12] + b"\x00\x00" + etype
        out[113].append((hi, lo, orig - 14 + 16, sll + ip))
    for lt, pkts in out.items():
        write_pcap(os.path.join(outdir, f"lt{lt}.pcap"), magic, e, snaplen, lt, pkts)


def find(top, minimum):
    for name in sorted(os.listdir(top)):
        path = os.path.join(top, name)
        try:
            parsed = read_pcap(path)
        except OSError:
            continue
        if parsed and parsed[3] in (228, 229, 101, 113) and len(parsed[4]) >= minimum:
            print(parsed[3], path)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "convert":
        convert(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "find":
        find(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
