"""A reader/verifier for libvnfo logs written from docs/FORMAT.md alone.

Clean room: nothing here comes from src/log, src/record or
tests/python/test_log_format.py; every rule cites the section of
docs/FORMAT.md it implements.  A fault is `Fault(status, where)` with the
status name docs/FORMAT.md gives for it (section 1.8 for records, 4.1 for
batches, files and the chain).
"""

import base64
import hashlib
import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

U32 = 2**32 - 1
U64 = 2**64 - 1
HEADER_BYTES = 144
SIG_BYTES = 64
FRAME_MIN, FRAME_MAX = 208, 268435456          # 5
RECORD_MAX = 133124                            # 7
RECORDS_PER_BATCH_MAX = 1048576                # 2.1, 7
SIG_CONTEXT = b"vnfo log batch header v1\x00"   # 2.2

TYPE_NAMES = {1: "packet", 2: "flowtag_map", 3: "loss_notice",
              4: "epoch_start", 5: "heartbeat", 6: "period_close"}
# 1: array length by (version, type)
LENGTHS = {1: {1: 20, 2: 11, 3: 8, 4: 7},
           2: {1: 22, 2: 11, 3: 8, 4: 7, 5: 6, 6: 8}}


RECORD_MALFORMED = "VNFO_E_RECORD_MALFORMED"
NONCANONICAL = "VNFO_E_RECORD_NONCANONICAL"
UNKNOWN_TYPE = "VNFO_E_RECORD_UNKNOWN_TYPE"
UNSUPPORTED = "VNFO_E_UNSUPPORTED_VERSION"
LIMIT = "VNFO_E_LIMIT_EXCEEDED"
LOG_MALFORMED = "VNFO_E_LOG_MALFORMED"
SIGNATURE = "VNFO_E_SIGNATURE_INVALID"
MANIFEST = "VNFO_E_LOG_MANIFEST_MISMATCH"
ROOT = "VNFO_E_LOG_ROOT_MISMATCH"
NODE = "VNFO_E_LOG_NODE_MISMATCH"
TRUNCATED = "VNFO_E_LOG_TRUNCATED"
DUPLICATE = "VNFO_E_LOG_DUPLICATE"
REORDERED = "VNFO_E_LOG_REORDERED"
GAP = "VNFO_E_LOG_SEQUENCE_GAP"
BROKEN = "VNFO_E_LOG_BROKEN_CHAIN"


class Fault(Exception):
    def __init__(self, status, where):
        super().__init__(f"{status}: {where}")
        self.status = status
        self.where = where


# ---------------------------------------------------------------- msgpack (1.5)

class _Msgpack:
    """Strict msgpack reader: only the forms 1.5 allows, shortest only."""

    def __init__(self, data):
        self.b = data
        self.pos = 0

    def _take(self, n, what):
        if self.pos + n > len(self.b):
            raise Fault(RECORD_MALFORMED, f"{what} runs past the record's end at offset {self.pos}")
        out = self.b[self.pos:self.pos + n]
        self.pos += n
        return out

    def _byte(self, what):
        return self._take(1, what)[0]

    def peek(self):
        if self.pos >= len(self.b):
            raise Fault(RECORD_MALFORMED, f"record ends at offset {self.pos}")
        return self.b[self.pos]

    def uint(self, what, limit=U64):
        at = self.pos
        t = self._byte(what)
        if t <= 0x7F:
            v = t
        elif t in (0xCC, 0xCD, 0xCE, 0xCF):
            size = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}[t]
            v = int.from_bytes(self._take(size, what), "big")
            shortest = 0x7F if size == 1 else (1 << (8 * size // 2)) - 1
            if v <= shortest:
                raise Fault(NONCANONICAL, f"{what}: integer {v} not in its shortest form at offset {at}")
        else:
            raise Fault(RECORD_MALFORMED, f"{what}: expected uint, found type byte 0x{t:02x} at offset {at}")
        if v > limit:
            raise Fault(RECORD_MALFORMED, f"{what}: {v} exceeds {limit} at offset {at}")
        return v

    def is_nil(self):
        if self.peek() == 0xC0:
            self.pos += 1
            return True
        return False

    def _len(self, what, fix_lo, fix_bits, forms):
        """forms: list of (type byte, length size); fix form first when fix_lo."""
        at = self.pos
        t = self._byte(what)
        if fix_lo is not None and fix_lo <= t < fix_lo + (1 << fix_bits):
            return t - fix_lo
        small = (1 << fix_bits) - 1 if fix_lo is not None else -1
        for tb, size in forms:
            if t == tb:
                n = int.from_bytes(self._take(size, what), "big")
                if n <= small:
                    raise Fault(NONCANONICAL, f"{what}: length {n} not in its shortest form at offset {at}")
                small = (1 << (8 * size)) - 1
                return n
            small = (1 << (8 * size)) - 1
        raise Fault(RECORD_MALFORMED, f"{what}: unexpected type byte 0x{t:02x} at offset {at}")

    def array(self, what):
        return self._len(what, 0x90, 4, [(0xDC, 2), (0xDD, 4)])

    def map(self, what):
        return self._len(what, 0x80, 4, [(0xDE, 2), (0xDF, 4)])

    def str(self, what, limit=None):
        n = self._len(what, 0xA0, 5, [(0xD9, 1), (0xDA, 2), (0xDB, 4)])
        return self._take(self._within(n, limit, what), what)

    def bin(self, what, limit=None):
        n = self._len(what, None, 0, [(0xC4, 1), (0xC5, 2), (0xC6, 4)])
        return self._take(self._within(n, limit, what), what)

    @staticmethod
    def _within(n, limit, what):
        """1.8: a limit applies to the stated length, before the bytes are
        looked for."""
        if limit is not None and n > limit:
            raise Fault(LIMIT, f"{what}: {n} bytes, more than {limit}")
        return n


# ------------------------------------------------------------------ records (1)

def _flow_key(m, what):
    n = m.array(what)
    if n != 6:
        raise Fault(RECORD_MALFORMED, f"{what}: flow key has {n} elements, not 6")
    ipv = m.uint(what + ".ip_version")
    if ipv not in (4, 6):
        raise Fault(RECORD_MALFORMED, f"{what}: ip_version {ipv}")
    proto = m.uint(what + ".proto", 255)
    sport = m.uint(what + ".src_port", 65535)
    dport = m.uint(what + ".dst_port", 65535)
    addrs = []
    for side in ("src", "dst"):
        a = m.bin(f"{what}.{side}")
        if len(a) != 16:
            raise Fault(RECORD_MALFORMED, f"{what}.{side}: {len(a)} bytes, not 16")
        if ipv == 4 and any(a[4:]):
            raise Fault(NONCANONICAL, f"{what}.{side}: IPv4 padding not zero")
        addrs.append(bytes(a))
    return {"ip_version": ipv, "proto": proto, "src_port": sport,
            "dst_port": dport, "src": addrs[0], "dst": addrs[1]}


def _fixed_bin(m, what, size):
    b = m.bin(what)
    if len(b) != size:
        raise Fault(RECORD_MALFORMED, f"{what}: {len(b)} bytes, not {size}")
    return bytes(b)


def _packet(m, r, version):
    r["hop"] = m.uint("hop", U32)
    r["label"] = m.uint("label")
    r["flowtag"] = m.uint("flowtag", U32)
    r["digest_in"] = _fixed_bin(m, "digest_in", 16)
    r["digest_out"] = _fixed_bin(m, "digest_out", 16)
    r["verdict"] = m.uint("verdict")
    if r["verdict"] > 2:
        raise Fault(RECORD_MALFORMED, f"verdict {r['verdict']}")
    if r["verdict"] == 2 and any(r["digest_in"]):
        raise Fault(RECORD_MALFORMED, "generated packet with a digest_in")
    if r["verdict"] == 1 and any(r["digest_out"]):
        raise Fault(RECORD_MALFORMED, "dropped packet with a digest_out")
    for f in ("t_in_ns", "t_out_ns", "cpu_cycles", "mem_bytes"):
        r[f] = m.uint(f)
    n = m.map("counters")
    if n > 16:
        raise Fault(LIMIT, f"counters: {n} entries, more than 16")
    counters, prev = {}, None
    for _ in range(n):
        name = bytes(m.str("counter name", 64))
        if not name or any(c < 0x21 or c > 0x7E for c in name):
            raise Fault(RECORD_MALFORMED, f"counter name {name!r}")
        if prev is not None and name <= prev:
            raise Fault(NONCANONICAL, f"counter name {name!r} not after {prev!r}")
        prev = name
        counters[name.decode()] = m.uint(f"counter {name.decode()}")
    r["counters"] = counters
    r["granularity"] = m.uint("granularity")
    if r["granularity"] > 2:
        raise Fault(RECORD_MALFORMED, f"granularity {r['granularity']}")
    cap = {0: 0, 1: 128, 2: 65535}[r["granularity"]]
    for f in ("bytes_in", "bytes_out"):
        if m.is_nil():
            r[f] = None
            continue
        if r["granularity"] == 0:
            raise Fault(RECORD_MALFORMED, f"{f}: packet bytes at granularity digest")
        r[f] = bytes(m.bin(f, cap))
    r["state_digest"] = None if m.is_nil() else _fixed_bin(m, "state_digest", 32)
    if version >= 2:
        r["link_type"] = None if m.is_nil() else m.uint("link_type", 65535)
        r["wire_len"] = m.uint("wire_len", U32)
    else:
        r["link_type"] = None
        r["wire_len"] = 0


def _flowtag_map(m, r, version):
    r["tag"] = m.uint("tag", U32)
    r["tagging_node"] = m.uint("tagging node id", U32)
    r["service_path"] = m.uint("service path id", U32)
    r["time_ns"] = m.uint("time_ns")
    r["original"] = _flow_key(m, "original flow key")
    r["rewritten"] = _flow_key(m, "rewritten flow key")


def _loss(m, r, version):
    r["count"] = m.uint("count")
    r["reason"] = m.uint("reason")
    if r["reason"] > 4:
        raise Fault(RECORD_MALFORMED, f"loss reason {r['reason']}")
    r["time_ns"] = m.uint("time_ns")


def _epoch_start(m, r, version):
    r["time_ns"] = m.uint("time_ns")
    r["commitment"] = bytes(m.bin("commitment", 64))


def _heartbeat(m, r, version):
    r["time_ns"] = m.uint("time_ns")


def _period_close(m, r, version):
    r["period_start_ns"] = m.uint("period_start_ns")
    r["period_end_ns"] = m.uint("period_end_ns")
    if r["period_end_ns"] < r["period_start_ns"]:
        raise Fault(RECORD_MALFORMED, "period_end_ns below period_start_ns")
    r["time_ns"] = m.uint("time_ns")


BODIES = {1: _packet, 2: _flowtag_map, 3: _loss, 4: _epoch_start,
          5: _heartbeat, 6: _period_close}


def decode_record(data):
    """Decode one record (section 1); raise Fault on the first fault."""
    m = _Msgpack(data)
    n = m.array("record")
    if n < 2:  # 1.8: a fault of the array header (byte 0) comes first
        raise Fault(RECORD_MALFORMED, "record array of fewer than 2 elements")
    version = m.uint("format version")
    if version == 0:
        raise Fault(RECORD_MALFORMED, "format version 0")
    if version > 2:
        raise Fault(UNSUPPORTED, f"record format version {version}")
    rtype = m.uint("record type")
    if rtype not in LENGTHS[version]:
        raise Fault(UNKNOWN_TYPE, f"record type {rtype} in version {version}")
    if n != LENGTHS[version][rtype]:
        raise Fault(RECORD_MALFORMED, f"{TYPE_NAMES[rtype]} v{version} has {n} elements, "
                    f"not {LENGTHS[version][rtype]}")
    r = {"version": version, "type": rtype, "type_name": TYPE_NAMES[rtype]}
    r["node"] = m.uint("node id", U32)
    r["epoch"] = m.uint("epoch")
    r["seq"] = m.uint("seq")
    BODIES[rtype](m, r, version)
    if m.pos != len(data):
        raise Fault(NONCANONICAL, f"{len(data) - m.pos} bytes after the record array")
    return r


# ------------------------------------------------------------------ batches (2, 3)

def tree_hash_fn(code):
    if code == 1:
        return lambda b: hashlib.blake2b(b, digest_size=32).digest()
    if code == 2:
        return lambda b: hashlib.sha256(b).digest()
    raise Fault(LOG_MALFORMED, f"tree hash {code}")


def merkle_root(leaves, H):
    """RFC 6962 section 2.1 MTH over the leaves' exact bytes."""
    if not leaves:
        return H(b"")
    level_hashes = [H(b"\x00" + d) for d in leaves]

    def mth(lo, hi):
        if hi - lo == 1:
            return level_hashes[lo]
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        return H(b"\x01" + mth(lo, lo + k) + mth(lo + k, hi))
    return mth(0, len(leaves))


def parse_header(h):
    f = struct.unpack(">4sHBBI32sQQIQ32s32sQ", h)
    keys = ("magic", "version", "tree_hash", "reserved", "node", "manifest_digest",
            "epoch", "first_seq", "count", "lost", "prev_hash", "root", "created_ns")
    return dict(zip(keys, f))


def load_public_key(text):
    """Section 6: `ed25519:<canonical base64 of 32 bytes>`, one line."""
    line = text[:-1] if text.endswith("\n") else text
    line = line[:-1] if line.endswith("\r") else line
    if not line.startswith("ed25519:"):
        raise ValueError("not an ed25519 public key line")
    b64 = line[len("ed25519:"):]
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != 32 or base64.b64encode(raw).decode() != b64:
        raise ValueError("not the canonical base64 of 32 bytes")
    return raw


def signed_header(batch, pubkey=None):
    """4.1 checks 1 to 4: magic, version, header fields, signature."""
    if len(batch) < HEADER_BYTES + SIG_BYTES:
        raise Fault(LOG_MALFORMED, f"batch of {len(batch)} bytes is shorter than 208")
    h = batch[:HEADER_BYTES]
    hd = parse_header(h)
    if hd["magic"] != b"VNFB":
        raise Fault(LOG_MALFORMED, f"magic {hd['magic']!r}")
    if hd["version"] > 1:
        raise Fault(UNSUPPORTED, f"batch format version {hd['version']}")
    if hd["version"] == 0:
        raise Fault(LOG_MALFORMED, "batch format version 0")
    tree_hash_fn(hd["tree_hash"])  # refuses a tree hash other than 1 and 2
    if hd["reserved"] != 0:
        raise Fault(LOG_MALFORMED, f"reserved byte {hd['reserved']}")
    if not 1 <= hd["count"] <= RECORDS_PER_BATCH_MAX:
        raise Fault(LOG_MALFORMED, f"record count {hd['count']}")
    if hd["first_seq"] + hd["count"] > U64:
        raise Fault(LOG_MALFORMED, "sequence numbers overflow")
    if pubkey is not None:
        try:
            Ed25519PublicKey.from_public_bytes(pubkey).verify(
                bytes(batch[HEADER_BYTES:HEADER_BYTES + SIG_BYTES]), SIG_CONTEXT + bytes(h))
        except InvalidSignature:
            raise Fault(SIGNATURE, "signature does not verify") from None
    return hd


def check_batch(batch, pubkey=None, manifest_digest=None):
    """4.1 checks 1 to 7 in order.  Returns (header, batch hash, [record bytes])."""
    hd = signed_header(batch, pubkey)
    h = batch[:HEADER_BYTES]
    H = tree_hash_fn(hd["tree_hash"])
    if manifest_digest is not None and hd["manifest_digest"] != manifest_digest:
        raise Fault(MANIFEST, "manifest digest differs")
    records, pos = [], HEADER_BYTES + SIG_BYTES
    for i in range(hd["count"]):
        if pos + 4 > len(batch):
            raise Fault(LOG_MALFORMED, f"record {i}: length prefix past the batch end")
        (n,) = struct.unpack(">I", batch[pos:pos + 4])
        if pos + 4 + n > len(batch):  # 4.1: a length alone is never refused
            raise Fault(LOG_MALFORMED, f"record {i}: length {n} at batch offset {pos}")
        records.append(bytes(batch[pos + 4:pos + 4 + n]))
        pos += 4 + n
    if pos != len(batch):
        raise Fault(LOG_MALFORMED, f"{len(batch) - pos} bytes after the last record")
    if merkle_root(records, H) != hd["root"]:
        raise Fault(ROOT, "Merkle root differs")
    return hd, H(b"\x02" + bytes(h)), records


# ------------------------------------------------------------------ files (5)

def split_frames(data):
    """Returns (list of (offset, batch bytes), tail fault or None)."""
    frames, pos = [], 0
    while pos < len(data):
        if pos + 4 > len(data):
            # ends inside a frame length: nothing after it to compare with
            # VNFB, read as a truncated tail (a crash during a write)
            return frames, Fault(TRUNCATED, f"file ends inside a frame length at offset {pos}")
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        if not FRAME_MIN <= n <= FRAME_MAX:
            return frames, Fault(LOG_MALFORMED, f"frame length {n} out of range at offset {pos}")
        body = data[pos + 4:pos + 4 + n]
        if len(body) < n:
            if b"VNFB".startswith(bytes(body[:4])):
                return frames, Fault(TRUNCATED, f"frame at offset {pos} truncated")
            return frames, Fault(LOG_MALFORMED, f"frame at offset {pos} is not a batch")
        frames.append((pos, body))
        pos += 4 + n
    return frames, None


# ------------------------------------------------------------------ a whole log (4)

def _chain(authentic, anchor=None):
    """Section 4.2: judge the authentic batches in stream order.  Returns
    {index: status} for the batches at fault."""
    faults, seen = {}, set()
    ref = anchor          # (next seq, hash of the reference batch)
    for idx, (off, hd, bh, recs) in enumerate(authentic):
        if bh in seen:
            faults[idx] = DUPLICATE
            continue
        seen.add(bh)
        if ref is None:
            ref = (hd["first_seq"] + hd["count"], bh)
            continue
        want = ref[0] + hd["lost"]
        if want > U64:
            faults[idx] = GAP
            continue
        if hd["first_seq"] < want:
            faults[idx] = REORDERED      # the reference stays
            continue
        if hd["first_seq"] > want:
            later = any(want <= a[1]["first_seq"] < hd["first_seq"] for a in authentic[idx + 1:])
            faults[idx] = REORDERED if later else GAP
        elif hd["prev_hash"] != ref[1]:
            faults[idx] = BROKEN
        ref = (hd["first_seq"] + hd["count"], bh)   # this batch is the new reference
    return faults


def _stated_digest(frames, pubkey):
    """4.1: the digest of the first batch passing checks 1-4, 6 and 7, else
    of the first passing 1-4, else zero."""
    fallback = None
    for _, body in frames:
        try:
            return check_batch(body, pubkey, None)[0]["manifest_digest"]
        except Fault:
            if fallback is None:
                try:
                    fallback = signed_header(body, pubkey)["manifest_digest"]
                except Fault:
                    pass
    return fallback if fallback is not None else bytes(32)


def verify_log(data, pubkey, manifest_digest=None, node=None, from_start=False):
    """Verify one writer's stream (section 4).  data: the bytes of one file,
    or a list of files' bytes (section 5: one stream, each file framed on
    its own).  Without an expected manifest digest, the one _stated_digest
    finds is expected (4.1); from_start anchors the chain at seq 0 and the
    zero hash (4.2).  Returns {"records", "faults": [(where, Fault)],
    "batches", "headers"}, where is a file offset for one file (None for
    its truncated tail), (file index, offset) for a list."""
    anchor = (0, bytes(32)) if from_start else None
    if isinstance(data, list):
        return _verify_stream(data, pubkey, manifest_digest, node, anchor)
    return _verify_stream([data], pubkey, manifest_digest, node, anchor, single=True)


def _verify_stream(files, pubkey, manifest_digest, node, anchor, single=False):
    frames, tails = [], []
    for i, data in enumerate(files):
        fr, tail = split_frames(data)
        frames += [((i, off), body) for off, body in fr]
        if tail is not None:
            tails.append(((i, len(data)), tail))
    if manifest_digest is None:
        manifest_digest = _stated_digest(frames, pubkey)
    faults, authentic = [], []
    for off, body in frames:
        try:
            hd, bh, recs = check_batch(body, pubkey, manifest_digest)
        except Fault as f:
            faults.append((off, f))
            continue
        if node is None:
            node = hd["node"]
        if hd["node"] != node:
            faults.append((off, Fault(NODE, f"node {hd['node']} not {node}")))
            continue
        authentic.append((off, hd, bh, recs))
    chain = _chain(authentic, anchor)
    records = []
    for idx, (off, hd, bh, recs) in enumerate(authentic):
        if idx in chain:
            faults.append((off, Fault(chain[idx], f"batch at offset {off}")))
            if chain[idx] == DUPLICATE:
                continue             # 4.2: a duplicate's records are read once
        for i, rb in enumerate(recs):
            try:
                r = decode_record(rb)
            except Fault as f:
                faults.append((off, Fault(f.status, f"record {i}: {f.where}")))
                continue
            if r["node"] != hd["node"] or r["epoch"] != hd["epoch"] or r["seq"] != hd["first_seq"] + i:
                faults.append((off, Fault(LOG_MALFORMED, f"record {i}: node/epoch/seq differ from the header")))
                continue
            r["_bytes"] = rb
            records.append(r)
    # in stream order: a file's batches, then its tail
    faults += tails
    faults.sort(key=lambda f: f[0])
    if single:  # plain offsets; None for the tail
        faults = [(None if f in tails else o[1], t) for f in faults for o, t in [f]]
    return {"records": records, "faults": faults, "batches": len(frames),
            "headers": [a[1] for a in authentic]}


# ------------------------------------------------------------------ proofs (3.1)

def verify_inclusion(index, size, leaf_hash, path, root, H):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = H(b"\x01" + p + r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = H(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


PROOF_KEYS = ("signed-header", "leaf-index", "tree-size", "record")
_HEX = set("0123456789abcdef")


def parse_proof(text):
    """Section 3.1's text; ValueError for anything it does not allow."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    if not lines or lines[0] != "vnfo-inclusion-proof v1":
        raise ValueError("line 1: not a v1 inclusion proof")
    fields, path = {}, []
    for no, ln in enumerate(lines[1:], 2):
        if ln == "":
            continue
        key, sep, value = ln.partition(": ")
        if not sep or (key in fields) or key not in PROOF_KEYS + ("path",):
            raise ValueError(f"line {no}: bad, unknown or repeated key")
        if key in ("leaf-index", "tree-size"):
            if not value.isascii() or not value.isdigit() or (value[0] == "0" and len(value) > 1) \
                    or int(value) > U32:
                raise ValueError(f"line {no}: not a plain decimal")
            value = int(value)
        else:
            if set(value) - _HEX or len(value) % 2:
                raise ValueError(f"line {no}: not lowercase hex")
            value = bytes.fromhex(value)
            want = {"signed-header": HEADER_BYTES + SIG_BYTES, "path": 32}.get(key)
            if want is not None and len(value) != want:
                raise ValueError(f"line {no}: {key} of {len(value)} bytes")
        if key == "path":
            path.append(value)
            if len(path) > 32:
                raise ValueError(f"line {no}: more than 32 path hashes")
        else:
            fields[key] = value
    if set(fields) != set(PROOF_KEYS):
        raise ValueError("a key is missing")
    return fields, path


def check_proof(text, pubkey):
    """Section 3.1: returns the decoded record; ValueError for unreadable
    text, Fault for a proof that does not prove."""
    fields, path = parse_proof(text)
    signed = fields["signed-header"]
    record = fields["record"]
    index, size = fields["leaf-index"], fields["tree-size"]
    hd = signed_header(signed, pubkey)
    if size != hd["count"]:
        raise Fault("VNFO_E_LOG_PROOF_INVALID", "tree-size differs from the record count")
    H = tree_hash_fn(hd["tree_hash"])
    if not verify_inclusion(index, size, H(b"\x00" + record), path, hd["root"], H):
        raise Fault("VNFO_E_LOG_PROOF_INVALID", "path does not lead to the signed root")
    return decode_record(record)


# ------------------------------------------------------------------ manifest digest (docs/manifest.md, "Digest")

def _pack(v):
    """Canonical msgpack: shortest ints, float64 reals, str, bin, nil, bool, arrays."""
    if v is None:
        return b"\xc0"
    if v is True or v is False:
        return b"\xc3" if v else b"\xc2"
    if isinstance(v, int):
        if v < 0:
            raise ValueError("no negative integers in a manifest digest")
        for limit, head, fmt in ((0x7F, b"", ">B"), (0xFF, b"\xcc", ">B"), (0xFFFF, b"\xcd", ">H"),
                                 (0xFFFFFFFF, b"\xce", ">I"), (U64, b"\xcf", ">Q")):
            if v <= limit:
                return head + struct.pack(fmt, v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v + 0.0)  # -0 reads as 0
    if isinstance(v, str):
        b = v.encode()
        n = len(b)
        head = bytes([0xA0 | n]) if n < 32 else b"\xd9" + bytes([n]) if n < 256 else b"\xda" + struct.pack(">H", n)
        return head + b
    if isinstance(v, bytes):
        n = len(v)
        return (b"\xc4" + bytes([n]) if n < 256 else b"\xc5" + struct.pack(">H", n)) + v
    if isinstance(v, list):
        n = len(v)
        head = bytes([0x90 | n]) if n < 16 else b"\xdc" + struct.pack(">H", n)
        return head + b"".join(_pack(x) for x in v)
    raise TypeError(type(v))


_MANIFEST_NUMBERS = {
    "may_modify": ["nothing", "headers", "payload", "any"],
    "hash": [None, "xxh3-64", "siphash-2-4", "bob"],
    "fields": ["custom", "psamp", "invariant", "nat-safe"],
    "custom_fields": ["ip.version", "ip.src", "ip.dst", "ip.proto", "ip.id", "ip.frag", "ip.length",
                      "ipv6.flow_label", "l4.sport", "l4.dport", "tcp.seq", "tcp.ack", "tcp.flags",
                      "icmp.type", "ip.payload", "l4.payload", "flowtag"],
    "granularity": ["digest", "headers", "full"],
    "tree_hash": ["blake2b-256"],
    "carrier": ["nsh-md1", "nsh-md2", "ipv6-flow-label", "vlan", "dscp"],
    "statistic": ["mean", "p50", "p95", "p99", "max"],
    "resource": ["cpu_cycles", "mem_bytes", "packets", "bytes"],
    "summary": ["sum", "count", "mean", "min", "max", "p50", "p95", "p99"],
}


def manifest_digest(m):
    """The digest of a parsed JSON manifest (a dict), as docs/manifest.md says."""
    import calendar
    import time
    from fractions import Fraction

    def num(table, name):
        return _MANIFEST_NUMBERS[table].index(name)

    def key(text):
        return base64.b64decode(text.split(":", 1)[1])

    def fraction(f):
        return [f.numerator, 0 if f.denominator == 2**64 else f.denominator]

    def resource(name):
        return [4 if name.startswith("vendor:") else num("resource", name), name]

    def seconds(text):
        return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))

    names = [c["name"] for c in m["chain"]]

    def scope(name):
        return None if name in (None, "chain") else names.index(name)

    s = m["sampling"]
    if "ranges" in s:
        bound = lambda x: int(x, 16) if isinstance(x, str) else x  # noqa: E731
        ranges = sorted([bound(lo), bound(hi)] for lo, hi in s["ranges"])
        bits = 32 if s["hash"] == "bob" else 64
        rate = fraction(Fraction(sum(hi - lo + 1 for lo, hi in ranges), 2**bits))
    else:
        n, d = s["rate"].split("/")
        rate = fraction(Fraction(int(n), 2 ** int(d[2:]) if d.startswith("2^") else int(d)))
        ranges = []
    lg = m["logging"]
    logging = [num("granularity", lg["granularity"]), lg["batch_records"],
               num("tree_hash", lg.get("tree_hash", "blake2b-256"))]
    logging += [lg["heartbeat_ms"]] if "heartbeat_ms" in lg else []
    ft = m.get("flowtags")
    sla = [[0, scope(e["scope"]), num("statistic", e["statistic"])] +
           ([0, e["max_over_reference_us"]] if "max_over_reference_us" in e
            else [1, float(e["max_over_reference_ratio"])]) for e in m.get("sla", [])]
    bills = [resource(e["resource"]) + [num("summary", e["summary"]), scope(e.get("function"))] +
             ([e["max_per_packet"]] if "max_per_packet" in e else []) for e in m["billing"]["resources"]]
    v = m["verification"]
    minimality = [resource(k) + [float(b.get("relative", 0)), float(b.get("absolute", 0))]
                  for k, b in sorted(v.get("minimality", {}).items(), key=lambda kv: kv[0].encode())]
    canonical = [
        m["vnfo_manifest"], m["id"],
        [m["customer"]["name"], key(m["customer"]["public_key"])],
        [m["provider"]["name"], key(m["provider"]["public_key"])],
        [[c["name"], c["function"], c["node_id"], key(c["public_key"]), num("may_modify", c["may_modify"]),
          bool(c["may_drop"])] for c in m["chain"]],
        [num("hash", s["hash"]), s["key_id"], bytes.fromhex(s["key_commitment"].split(":", 1)[1]), rate,
         ranges, num("fields", s["fields"]), [num("custom_fields", f) for f in s.get("custom_fields", [])],
         s.get("payload_bytes", 8), s.get("payload_offset", 0), s.get("epoch_seconds", 0),
         s.get("bob_initval")],
        logging, None if ft is None else [num("carrier", ft["carrier"]), ft["bits"]], sla,
        [seconds(m["billing"]["period"]["start"]), seconds(m["billing"]["period"]["end"]), bills],
        [float(v["confidence"]), v["clock_skew_us"], minimality],
    ]
    return hashlib.blake2b(b"vnfo manifest v1\x00" + _pack(canonical), digest_size=32).digest()


# ------------------------------------------------------------------ packet digest (docs/sampling.md, "Packet digest")

_TAGS = (0x8100, 0x88A8, 0x9100)
_MPLS = (0x8847, 0x8848)


def _behind_ethertype(frame, at, ethertype):
    """The IP header's offset behind an ethertype (tags, labels: sampling.md
    "Parsing"), or None."""
    for _ in range(9):
        if ethertype not in _TAGS:
            break
        if at + 4 > len(frame):
            return None
        ethertype = struct.unpack(">H", frame[at + 2:at + 4])[0]
        at += 4
    if ethertype in _MPLS:
        for _ in range(8):
            if at + 4 > len(frame):
                return None
            bottom = frame[at + 2] & 1
            at += 4
            if bottom:
                break
        return at if at < len(frame) and frame[at] >> 4 in (4, 6) else None
    return at if ethertype in (0x0800, 0x86DD) else None


def _ip_offset(frame, linktype):
    if linktype in (101, 228, 229):
        return 0
    if linktype == 1 and len(frame) >= 14:
        return _behind_ethertype(frame, 14, struct.unpack(">H", frame[12:14])[0])
    if linktype == 113 and len(frame) >= 16:
        return _behind_ethertype(frame, 16, struct.unpack(">H", frame[14:16])[0])
    return None  # other link types: not needed here


def packet_digest(frame, linktype):
    """BLAKE2b-128 of the IP packet with the hop-varying fields zeroed; None
    for a link type or frame this reader does not parse."""
    at = _ip_offset(frame, linktype)
    if at is None or at >= len(frame):
        return None
    ip = bytearray(frame[at:])
    version = ip[0] >> 4
    if version == 4 and len(ip) >= 20:
        end = struct.unpack(">H", ip[2:4])[0]
        ip[1] = 0
        ip[8] = 0
        ip[10:12] = b"\0\0"
    elif version == 6 and len(ip) >= 40:
        plen = struct.unpack(">H", ip[4:6])[0]
        end = len(ip) if plen == 0 and ip[6] == 0 else 40 + plen  # jumbogram: the capture
        ip[0] &= 0xF0
        ip[1] &= 0x0F
        ip[7] = 0
    else:
        return None
    return hashlib.blake2b(bytes(ip[:min(end, len(ip))]), digest_size=16).digest()


def main(argv):
    """`cleanroom_vnfo_reader.py --pub NAME.pub FILE...`: one writer's stream;
    prints "VALID <records>" (exit 0) or "INVALID <status>..." (exit 1)."""
    if len(argv) < 3 or argv[0] != "--pub":
        print("usage: cleanroom_vnfo_reader.py --pub NAME.pub FILE...", file=sys.stderr)
        return 64
    key = load_public_key(open(argv[1]).read())
    out = verify_log([open(p, "rb").read() for p in argv[2:]], key)
    if out["faults"] or not out["batches"]:
        print("INVALID", *[f.status for _, f in out["faults"]] or ["(no batch)"])
        return 1
    print("VALID", len(out["records"]))
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
