"""An independent verifier of libvnfo logs, written from docs/FORMAT.md alone.

It reads the committed corpus (tests/corpus/batch, written by
tests/log_example with RFC 8032's TEST 1 seed) and the worked example of
docs/FORMAT.md, and checks signatures, Merkle roots, the chain and the
canonical msgpack records without calling libvnfo: if the document and the
library disagree, these tests fail."""
import hashlib
import pathlib
import re
import struct

import msgpack
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

TOP = pathlib.Path(__file__).resolve().parents[2]
CORPUS = TOP / "tests" / "corpus" / "batch"
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = Ed25519PrivateKey.from_private_bytes(SEED).public_key()
CONTEXT = b"vnfo log batch header v1\x00"
# Array length of each record type, per record format version (section 1).
FIELDS = {1: {1: 20, 2: 11, 3: 8, 4: 7},
          2: {1: 22, 2: 11, 3: 8, 4: 7, 5: 6, 6: 8}}


def H(tree_hash, data):
    if tree_hash == 1:
        return hashlib.blake2b(data, digest_size=32).digest()
    assert tree_hash == 2, "unknown tree hash"
    return hashlib.sha256(data).digest()


def mth(tree_hash, leaves):
    """RFC 6962 section 2.1."""
    if not leaves:
        return H(tree_hash, b"")
    if len(leaves) == 1:
        return H(tree_hash, b"\x00" + leaves[0])
    k = 1
    while 2 * k < len(leaves):
        k *= 2
    return H(tree_hash, b"\x01" + mth(tree_hash, leaves[:k]) + mth(tree_hash, leaves[k:]))


def frames(data):
    off = 0
    while off < len(data):
        if len(data) - off < 4:
            yield "truncated", None
            return
        (n,) = struct.unpack(">I", data[off:off + 4])
        if n < 208 or n > 1 << 28:
            yield "malformed", None
            return
        if len(data) - off - 4 < n:
            rest = data[off + 4:off + 8]
            yield ("truncated" if b"VNFB".startswith(rest) else "malformed"), None
            return
        yield "frame", data[off + 4:off + 4 + n]
        off += 4 + n


def check_batch(b):
    """Returns (header dict, records) or raises AssertionError."""
    assert b[:4] == b"VNFB"
    version, tree_hash, reserved = struct.unpack(">HBB", b[4:8])
    assert version == 1 and reserved == 0
    node, = struct.unpack(">I", b[8:12])
    epoch, first_seq, count, lost = struct.unpack(">QQIQ", b[44:72])
    header = dict(tree_hash=tree_hash, node=node, manifest=b[12:44], epoch=epoch,
                  first_seq=first_seq, count=count, lost=lost, prev=b[72:104], root=b[104:136],
                  created=struct.unpack(">Q", b[136:144])[0])
    PUBLIC.verify(b[144:208], CONTEXT + b[:144])  # raises InvalidSignature
    off, records = 208, []
    for _ in range(count):
        (n,) = struct.unpack(">I", b[off:off + 4])
        records.append(b[off + 4:off + 4 + n])
        off += 4 + n
    assert off == len(b), "bytes after the last record"
    assert mth(tree_hash, records) == header["root"], "root mismatch"
    header["hash"] = H(tree_hash, b"\x02" + b[:144])
    return header, records


class Refused(Exception):
    """A record a reader refuses; args[0] is 'malformed', 'noncanonical' or 'unsupported'."""


def decode_record(raw):
    """The rules of docs/FORMAT.md section 1, read from the doc alone."""
    try:
        rec = msgpack.unpackb(raw, raw=False, strict_map_key=False)
    except msgpack.ExtraData:
        raise Refused("noncanonical")  # 1.5: nothing follows the array
    except Exception:
        # Section 1: the version (index 0) is checked before anything else.
        raise Refused("unsupported" if leading_version(raw) > 2 else "malformed")
    if not isinstance(rec, list) or len(rec) < 2 or not isinstance(rec[0], int):
        raise Refused("malformed")
    if rec[0] > 2:
        raise Refused("unsupported")
    if rec[0] == 0 or rec[1] not in FIELDS[rec[0]] or len(rec) != FIELDS[rec[0]][rec[1]]:
        raise Refused("malformed")
    if rec[1] == 1:
        counters = rec[15]
        if not isinstance(counters, dict):
            raise Refused("malformed")
        digest_in, digest_out, verdict = rec[8], rec[9], rec[10]
        if verdict == 2 and digest_in != bytes(16):
            raise Refused("malformed")  # 1.1: generated packets have no entry digest
        if verdict == 1 and digest_out != bytes(16):
            raise Refused("malformed")  # 1.1: dropped packets have no exit digest
        if rec[0] >= 2 and not (rec[20] is None or 0 <= rec[20] <= 65535):
            raise Refused("malformed")
        if rec[0] >= 2 and not 0 <= rec[21] <= 2**32 - 1:
            raise Refused("malformed")
    if rec[1] == 2:
        for key in (rec[9], rec[10]):
            if key[0] == 4 and (key[4][4:] != bytes(12) or key[5][4:] != bytes(12)):
                raise Refused("noncanonical")  # 1.2/1.5: IPv4 padding is zero
    if rec[1] == 6 and rec[6] < rec[5]:
        raise Refused("malformed")
    # Canonical: python-msgpack writes the shortest forms too; counters sorted
    # and unique (a repeated name collapses in the dict, so re-encoding differs).
    if msgpack.packb(rec, use_bin_type=True) != raw:
        raise Refused("noncanonical")
    if rec[1] == 1 and list(rec[15]) != sorted(rec[15], key=lambda s: s.encode()):
        raise Refused("noncanonical")
    return rec


def leading_version(raw):
    """Index 0 of a record whose array may be cut short, or 0."""
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(raw)
    try:
        if unpacker.read_array_header() >= 1:
            v = unpacker.unpack()
            return v if isinstance(v, int) else 0
    except Exception:
        pass
    return 0


def check_record(raw, header, index):
    rec = decode_record(raw)
    assert rec[2:5] == [header["node"], header["epoch"], header["first_seq"] + index]
    return rec


def verify_log(data):
    """Statuses per frame, as docs/FORMAT.md section 4 defines them."""
    batches, statuses = [], []
    for kind, b in frames(data):
        if kind != "frame":
            statuses.append(kind)
            continue
        try:
            header, records = check_batch(b)
        except (AssertionError, InvalidSignature, struct.error):
            statuses.append("invalid")
            continue
        for i, raw in enumerate(records):
            check_record(raw, header, i)
        batches.append(header)
        statuses.append(None)  # decided by the chain below
    seen, prev = set(), None
    authentic = [i for i, s in enumerate(statuses) if s is None]
    for pos, i in enumerate(authentic):
        h = batches[pos]
        if h["hash"] in seen:
            statuses[i] = "duplicate"
            continue
        seen.add(h["hash"])
        if prev is None:
            statuses[i] = "ok"
        else:
            want = prev["first_seq"] + prev["count"] + h["lost"]
            later = [batches[q]["first_seq"] for q in range(pos + 1, len(authentic))]
            if h["first_seq"] < want:
                statuses[i] = "reordered"
                continue
            if h["first_seq"] > want:
                statuses[i] = ("reordered" if any(want <= s < h["first_seq"] for s in later)
                               else "gap")
            elif h["prev"] != prev["hash"]:
                statuses[i] = "broken"
            else:
                statuses[i] = "ok"
        prev = h
    return statuses


@pytest.mark.parametrize("name,want", [
    ("valid-one-batch", ["ok"]),
    ("valid-three-batches", ["ok", "ok", "ok"]),
    ("valid-sha256", ["ok", "ok", "ok"]),
    ("valid-v1-records", ["ok", "ok"]),
    ("valid-heartbeat-close", ["ok", "ok", "ok", "ok"]),
    ("reordered", ["ok", "reordered", "reordered"]),
    ("duplicated", ["ok", "ok", "duplicate", "ok"]),
    ("deleted", ["ok", "gap"]),
    ("truncated", ["ok", "ok", "truncated"]),
    ("frame-length-huge", ["malformed"]),
    ("truncated-prefix", ["truncated"]),
])
def test_corpus_statuses(name, want):
    assert verify_log((CORPUS / name).read_bytes()) == want


def test_garbage_is_not_a_truncated_tail():
    data = (CORPUS / "valid-one-batch").read_bytes()
    assert verify_log(data + b"\x00\x00\x10\x00VNFB\x00") == ["ok", "truncated"]
    assert verify_log(data + b"\x00\x00\x10\x00XNFB\x00") == ["ok", "malformed"]


def test_every_flip_of_the_example_is_detected():
    data = bytearray((CORPUS / "valid-one-batch").read_bytes())
    for bit in range(8 * 4, 8 * len(data), 3):
        data[bit // 8] ^= 1 << (bit % 8)
        try:
            statuses = verify_log(bytes(data))
        except Exception:  # an undecodable record behind a broken root never gets here
            statuses = ["invalid"]
        assert statuses != ["ok"], f"flip of bit {bit} undetected"
        data[bit // 8] ^= 1 << (bit % 8)


def hex_block(doc, title):
    m = re.search(re.escape(title) + r".*?```\n(.*?)```", doc, re.S)
    assert m, title
    return bytes.fromhex(m.group(1).replace("\n", ""))


def test_worked_example_of_format_md():
    doc = (TOP / "docs" / "FORMAT.md").read_text()
    doc = doc[doc.index("<!-- BEGIN worked example"):]
    log = hex_block(doc, "The whole log file")
    assert verify_log(log) == ["ok"]
    batch = log[4:]
    header, records = check_batch(batch)
    assert hex_block(doc, "Merkle root") == header["root"]
    assert hex_block(doc, "Signature input") == CONTEXT + batch[:144]
    assert hex_block(doc, "Signature (Ed25519") == batch[144:208]
    assert hex_block(doc, "Batch hash") == header["hash"]
    assert hex_block(doc, "Record 0") == records[0]
    leaves = hex_block(doc, "Leaf hashes")
    assert leaves == b"".join(H(1, b"\x00" + r) for r in records)
    import base64
    pub = re.search(r"ed25519:([A-Za-z0-9+/=]+)", doc).group(1)
    assert base64.b64decode(pub) == PUBLIC.public_bytes_raw()
    rec = msgpack.unpackb(records[1], raw=False)
    assert rec == [2, 3, 1, 0, 1, 3, 1, 1700000000000004000]
    pkt = msgpack.unpackb(records[0], raw=False)
    assert len(pkt) == 22 and pkt[20:] == [1, 60]  # link type Ethernet, 60 bytes on the wire


def records_of(name):
    out = []
    for kind, b in frames((CORPUS / name).read_bytes()):
        header, records = check_batch(b)
        out += [check_record(raw, header, i) for i, raw in enumerate(records)]
    return out


def test_version1_records_still_read():
    recs = records_of("valid-v1-records")
    assert [r[0] for r in recs] == [1, 1, 1, 1]
    assert len(recs[0]) == 20  # no link type, no wire length: read as Ethernet, 0


def test_heartbeat_and_period_close():
    recs = records_of("valid-heartbeat-close")
    assert [r[1] for r in recs] == [1, 3, 1, 3, 5, 6]
    assert recs[4][5] == 1700000001000000000
    assert recs[5][5:] == [1699999200000000000, 1700000002000000000, 1700000002000000000]


RECORD_CORPUS = TOP / "tests" / "corpus" / "record"
# What section 1 says of each hostile input the C reader refuses (the C side
# checks the same names in tests/check_record.c).
EXPECTED = {
    "newer-version": "unsupported",
    "trailing-byte": "noncanonical",
    "duplicate-counters": "noncanonical",
    "unsorted-counters": "noncanonical",
    "ipv4-padding-not-zero": "noncanonical",
    "generated-with-digest-in": "malformed",
    "dropped-with-digest-out": "malformed",
    "link-type-over-65535": "malformed",
    "wire-len-over-u32": "malformed",
    "heartbeat-in-v1": "malformed",
    "packet-v2-without-tail": "malformed",
    "packet-v1-with-tail": "noncanonical",  # 20 elements, then bytes after the array
    "period-close-inverted": "malformed",
}


@pytest.mark.parametrize("name", sorted(p.name for p in RECORD_CORPUS.iterdir()
                                        if p.name.startswith("ok-")))
def test_record_corpus_ok(name):
    decode_record((RECORD_CORPUS / name).read_bytes())


@pytest.mark.parametrize("name,want", sorted(EXPECTED.items()))
def test_record_corpus_refused(name, want):
    with pytest.raises(Refused) as e:
        decode_record((RECORD_CORPUS / name).read_bytes())
    assert e.value.args[0] == want
