"""The outside team's check: logs read with a verifier written from
docs/FORMAT.md alone (tests/python/cleanroom_vnfo_reader.py) must read as
libvnfo's own reader reads them.

Every writer the build has that runs without root writes logs here (`vnfo
demo`, `vnfo simulate` at each granularity and with the stateful functions,
`vnfo tap` offline over the demo capture and, with VNFO_PCAP_DIR, over real
captures of many link types); each log is read by both readers, record by
record (`vnfo log dump --jsonl`) and verdict by verdict (`vnfo log verify`).
Then both readers get the same corrupted logs, streams of several files,
inclusion proofs and key files, and must give what docs/FORMAT.md names
for each; the Python binding, when built in place, must read the writers'
logs alike.  The live tap and the NFQUEUE appliance need root: tests/lab.sh
reads their logs with the same clean-room reader.

Independent of tests/python/test_log_format.py on purpose: nothing is
shared.  Needs the build (VNFO_BUILD_DIR, default build/); skips without it.
About 10 s, 30 s with VNFO_PCAP_DIR (40 real captures).
"""

import base64
import json
import os
import re
import struct
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import cleanroom_vnfo_reader as cr  # noqa: E402

msgpack = pytest.importorskip("msgpack")
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("VNFO_BUILD_DIR", os.path.join(TOP, "build"))
VNFO = os.path.join(BUILD, "tools", "vnfo")
FORMAT_MD = os.path.join(TOP, "docs", "FORMAT.md")

needs_vnfo = pytest.mark.skipif(not os.access(VNFO, os.X_OK),
                                reason=f"{VNFO} not built (run make first, or set VNFO_BUILD_DIR)")


def run(*args, check=True):
    p = subprocess.run([VNFO, *args], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"vnfo {' '.join(args)}: exit {p.returncode}: {p.stderr[-500:]}")
    return p


# ----------------------------------------------------------------- worked example

def _md_blocks():
    text = open(FORMAT_MD).read()
    part = text.split("<!-- BEGIN worked example")[1]
    return part, re.findall(r"```\n(.*?)```", part, re.S)


def test_worked_example_reads_from_the_document_alone():
    part, blocks = _md_blocks()
    seed = bytes.fromhex(blocks[0].strip())
    pub = cr.load_public_key(blocks[1].strip())
    rec0, rec1 = (bytes.fromhex("".join(b.split())) for b in blocks[2:4])
    leaves = [bytes.fromhex(x) for x in blocks[4].split()]
    root = bytes.fromhex(blocks[5].strip())
    sig_input = bytes.fromhex("".join(blocks[6].split()))
    sig = bytes.fromhex("".join(blocks[7].split()))
    bhash = bytes.fromhex(blocks[8].strip())
    log = bytes.fromhex("".join(blocks[9].split()))

    assert Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw() == pub
    H = cr.tree_hash_fn(1)
    assert [H(b"\x00" + r) for r in (rec0, rec1)] == leaves
    assert cr.merkle_root([rec0, rec1], H) == root
    assert Ed25519PrivateKey.from_private_bytes(seed).sign(sig_input) == sig
    out = cr.verify_log(log, pub)
    assert out["faults"] == []
    assert [r["_bytes"] for r in out["records"]] == [rec0, rec1]
    p, l = out["records"]
    assert (p["type_name"], p["link_type"], p["wire_len"], p["granularity"]) == ("packet", 1, 60, 0)
    assert (l["type_name"], l["count"], l["reason"]) == ("loss_notice", 3, 1)
    assert cr.check_batch(log[4:], pub)[1] == bhash
    assert sig_input[25:] == log[4:148]


# ----------------------------------------------------------------- logs of every writer

VERDICTS = ["forwarded", "dropped", "generated"]
GRANULARITIES = ["digest", "headers", "full"]
REASONS = ["unspecified", "queue_overflow", "sink_failure", "restart", "rate_limit"]


def as_dump_json(r):
    """A clean-room record in the shape `vnfo log dump --jsonl` prints."""
    out = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in r.items()
           if not k.startswith("_") and k not in ("type_name", "node")}
    out["type"] = r["type_name"]
    out["node_id"] = r["node"]
    if r["type_name"] == "packet":
        out["verdict"] = VERDICTS[r["verdict"]]
        out["granularity"] = GRANULARITIES[r["granularity"]]
    elif r["type_name"] == "loss_notice":
        out["reason"] = REASONS[r["reason"]]
    elif r["type_name"] == "flowtag_map":
        for side in ("original", "rewritten"):
            fk = dict(r[side])
            width = 4 if fk["ip_version"] == 4 else 16
            fk["src"], fk["dst"] = fk["src"][:width].hex(), fk["dst"][:width].hex()
            out[side] = fk
    return out


def library_verdicts(log, pub, *extra, more=()):
    p = run("log", "verify", "--pub", pub, *extra, log, *more, check=False)
    return p.returncode, re.findall(r"\b(VNFO_E_[A-Z_]+): ", p.stdout), p.stdout + p.stderr


def assert_same_reading(log, pub):
    data = open(log, "rb").read()
    mine = cr.verify_log(data, cr.load_public_key(open(pub).read()))
    rc, statuses, text = library_verdicts(log, pub)
    assert [f.status for _, f in mine["faults"]] == statuses, f"{log}: {text[-800:]}"
    assert rc == (0 if not mine["faults"] and mine["batches"] else 1), text[-400:]
    dump = run("log", "dump", "--jsonl", "--pub", pub, log, check=False).stdout
    theirs = [json.loads(line) for line in dump.splitlines() if line.startswith("{")]
    ours = [as_dump_json(r) for r in mine["records"]]
    assert len(ours) == len(theirs), log
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"{log}: record {i}"
    return mine


def _write_manifest(src, dst, **change):
    m = json.load(open(src))
    if "logging" in change:
        m["logging"] = change["logging"]
    if change.get("stateful"):
        names = {"firewall": "stateful-firewall", "nat": "masquerade-nat", "ids": "stream-ids"}
        for entry in m["chain"]:
            entry["function"] = names.get(entry["function"], entry["function"])
    json.dump(m, open(dst, "w"))
    return dst


def _pcap_linktype(path):
    """The link type of a classic pcap file (either byte order), else None."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if len(head) < 24:
        return None
    for order in ("<", ">"):
        if struct.unpack(order + "I", head[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D):
            return struct.unpack(order + "I", head[20:24])[0] & 0xFFFF
    return None


def _pcap_sample(limit=40):
    """Real captures, the first of each link type, then every 64th of the
    rest: many link types, some deliberately broken (a tap that refuses one
    cleanly writes no log and is left out)."""
    d = os.environ.get("VNFO_PCAP_DIR")
    if not d or not os.path.isdir(d):
        return []
    names = sorted(n for n in os.listdir(d) if n.endswith((".pcap", ".pcapng")))
    picked, linktypes = [], set()
    for n in names:
        lt = _pcap_linktype(os.path.join(d, n))
        if lt is not None and lt not in linktypes:
            linktypes.add(lt)
            picked.append(n)
    picked += [n for n in names[::64] if n not in picked]
    return [os.path.join(d, n) for n in picked[:limit]]


def _spread_pcap(src, dst, gap_s=3):
    """A copy of a classic little-endian pcap whose every 500th packet comes
    gap_s seconds after the one before: quiet stretches, so that a tap under
    logging.heartbeat_ms signs heartbeats."""
    data = open(src, "rb").read()
    out, pos, i, shift = [data[:24]], 24, 0, 0
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
        shift += gap_s if i and i % 500 == 0 else 0
        out.append(struct.pack("<IIII", sec + shift, usec, incl, orig) + data[pos + 16:pos + 16 + incl])
        pos += 16 + incl
        i += 1
    open(dst, "wb").write(b"".join(out))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not os.access(VNFO, os.X_OK):
        pytest.skip(f"{VNFO} not built (run make first, or set VNFO_BUILD_DIR)")
    top = tmp_path_factory.mktemp("cleanroom")
    demo = top / "demo"
    run("demo", "--dir", str(demo))
    keys, cap, man = demo / "keys", str(demo / "capture.pcap"), str(demo / "manifest.json")
    logs = [(str(p), str(keys / (p.stem + ".pub"))) for p in sorted(demo.glob("*/*.log"))
            if (keys / (p.stem + ".pub")).exists()]
    # simulate at granularity digest (batches of 7) and headers, stateful functions
    digest = _write_manifest(man, str(top / "digest.json"),
                             logging={"granularity": "digest", "batch_records": 7})
    stateful = _write_manifest(man, str(top / "stateful.json"), stateful=True,
                               logging={"granularity": "headers", "batch_records": 33,
                                        "heartbeat_ms": 1000})
    for name, m, cheat in (("digest", digest, None), ("stateful", stateful, None),
                           ("ids-drops", stateful, "ids-drops-unmatchable")):
        out = top / f"sim-{name}"
        run("simulate", "--manifest", m, "--pcap", cap, "--keys", str(keys), "--out", str(out),
            *(["--misbehave", cheat] if cheat else []))
        logs += [(str(p), str(keys / (p.stem + ".pub"))) for p in sorted(out.glob("*.log"))]
    # tap offline: paired, then a table of one entry (loss notices, generated)
    tap = ["tap", "--manifest", man, "--node", "fw", "--key", str(keys / "fw.key"),
           "--sampling-key", str(keys / "sampling.key")]
    fwpub = str(keys / "fw.pub")
    gaps = str(top / "gaps.pcap")
    _spread_pcap(cap, gaps)
    for name, pcap, opts in (("paired", cap, []), ("full-table", cap, ["--capacity", "1"]),
                             ("heartbeats", gaps, [])):
        out = str(top / f"tap-{name}.log")
        run(*tap, "--ingress-pcap", pcap, "--egress-pcap", pcap, "--out", out, *opts)
        logs.append((out, fwpub))
    pcaps = _pcap_sample()
    for i, p in enumerate(pcaps):
        out = str(top / f"tap-real-{i}.log")
        egress = pcaps[i - 1] if i % 2 else p   # odd: another capture leaves (drops, generated)
        if run(*tap, "--ingress-pcap", p, "--egress-pcap", egress, "--out", out,
               check=False).returncode == 0:
            logs.append((out, fwpub))
    return {"dir": top, "demo": demo, "keys": keys, "logs": logs, "real": len(pcaps)}


@needs_vnfo
def test_every_writer_log_reads_the_same(corpus):
    seen_types, seen_links, faulty = set(), set(), set()
    for log, pub in corpus["logs"]:
        mine = assert_same_reading(log, pub)
        if mine["faults"]:
            faulty.add(os.path.basename(os.path.dirname(log)))
        for r in mine["records"]:
            seen_types.add((r["type_name"], r.get("verdict"), r.get("granularity")))
            seen_links.add(r.get("link_type"))
    names = {t[0] for t in seen_types}
    assert names >= {"packet", "flowtag_map", "loss_notice", "heartbeat", "period_close"}
    assert {(t[1], t[2]) for t in seen_types if t[0] == "packet"} >= {
        (0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)}
    assert faulty >= {"tampers-log", "truncates-log", "replays-batch"}  # the demo's log cheats
    if corpus["real"]:
        assert len(seen_links - {None, 1}) >= 1, seen_links


@needs_vnfo
def test_packet_digests_follow_sampling_md(corpus):
    """digest_in/digest_out of full-granularity records, recomputed from the
    logged frames as docs/sampling.md ("Packet digest") says."""
    checked = set()
    for log, pub in corpus["logs"]:
        out = cr.verify_log(open(log, "rb").read(), cr.load_public_key(open(pub).read()))
        for r in out["records"]:
            if r["type_name"] != "packet" or r["granularity"] != 2:
                continue
            linktype = 1 if r["link_type"] is None else r["link_type"]
            for frame_bytes, digest in ((r["bytes_in"], r["digest_in"]), (r["bytes_out"], r["digest_out"])):
                want = None if frame_bytes is None else cr.packet_digest(frame_bytes, linktype)
                if want is not None:
                    assert want == digest, f"{log}: seq {r['seq']}"
                    checked.add(linktype)
    assert 1 in checked
    if corpus["real"]:
        assert len(checked) >= 2, checked  # Ethernet and another link type


def _binding():
    """The Python binding of this checkout, when its extension was built in
    place (bindings/python/tests builds it); None otherwise."""
    sys.path.insert(0, os.path.join(TOP, "bindings", "python"))
    try:
        import vnfo.log
        import vnfo.record
        return vnfo
    except ImportError:
        return None
    finally:
        sys.path.pop(0)


@needs_vnfo
def test_python_binding_reads_the_same(corpus):
    vnfo = _binding()
    if vnfo is None:
        pytest.skip("the Python binding is not built in place (run bindings/python/tests first)")
    for log, pub in corpus["logs"]:
        data = open(log, "rb").read()
        key = cr.load_public_key(open(pub).read())
        frames, _ = cr.split_frames(data)
        digest = cr._stated_digest([((0, o), b) for o, b in frames], key)
        mine = cr.verify_log(data, key, manifest_digest=digest)
        reader = vnfo.log.LogReader(vnfo.PublicKey.load(pub), manifest_digest=digest).add_file(log)
        reader.verify()
        theirs = [vnfo.record.encode(r) for r in reader.records(on_error="collect")]
        assert [r["_bytes"] for r in mine["records"]] == theirs, log
        batch_faults = [f.status for _, f in mine["faults"] if "record " not in f.where]
        assert batch_faults == [b.status_name for b in reader.faults], log


@pytest.mark.parametrize("rewritten,kind", [
    ([4, 0, 0, 0, bytes(16), bytes(16)], "expire"),
    ([6, 0, 0, 0, bytes(16), bytes(16)], "expire"),   # a null flow whatever its ip_version
    ([4, 6, 40000, 2, b"\xcb\0q\7" + bytes(12), b"\5\6\7\x08" + bytes(12)], "bind"),
])
def test_flowtag_map_records_mean_what_format_md_says(rewritten, kind):
    """1.2: keyed by (tagging node, tag), not the record's node; a null
    rewritten flow of any ip_version ends the binding."""
    vnfo = _binding()
    if vnfo is None:
        pytest.skip("the Python binding is not built in place (run bindings/python/tests first)")
    import vnfo.flowtag
    data = pk([2, 2, 1, 0, 0, 9, 3, 1, 5, _fk(), rewritten])
    assert cr.decode_record(data)["tagging_node"] == 3
    event = vnfo.flowtag.Event.from_record(vnfo.record.decode(data))
    assert (event.kind, event.context.node_id, event.context.tag) == (kind, 3, 9)


def _manifest_variants(tmp_path):
    """The example manifests, and variants reaching every part of the digest."""
    paths = sorted(os.path.join(TOP, "examples", "manifests", n)
                   for n in os.listdir(os.path.join(TOP, "examples", "manifests")) if n.endswith(".json"))
    m = json.load(open(os.path.join(TOP, "examples", "manifests", "fw-nat-ids.json")))
    m["sampling"].update(fields="custom", custom_fields=["ip.src", "ip.dst", "l4.payload", "ip.version"],
                         rate="4/256", payload_offset=3)
    m["sampling"].pop("payload_bytes")
    m["billing"]["resources"][0]["max_per_packet"] = 5000000
    m["verification"]["minimality"] = {"vendor:b": {"absolute": 1}, "bytes": {"relative": 0.5},
                                       "cpu_cycles": {"relative": 0.1, "absolute": 2000}}
    m["logging"]["heartbeat_ms"] = 250
    m["comment"] = "comments do not enter the digest"
    variant = tmp_path / "variant.json"
    variant.write_text(json.dumps(m, indent=1))
    m["sampling"]["rate"] = "1/2^64"
    m.pop("flowtags")
    m["chain"][0]["may_drop"] = False
    tiny = tmp_path / "tiny-rate.json"
    tiny.write_text(json.dumps(m))
    return paths + [str(variant), str(tiny)]


@needs_vnfo
def test_manifest_digests_from_manifest_md(corpus, tmp_path):
    """The digest a batch header carries, computed from docs/manifest.md
    ("Digest") alone, as `vnfo manifest check` computes it and as the logs
    state it."""
    manifests = _manifest_variants(tmp_path) + [str(corpus["demo"] / "manifest.json"),
                                                str(corpus["demo"] / "manifest-tagged.json")]
    for path in manifests:
        p = run("manifest", "check", path, check=False)
        theirs = re.search(r"blake2b:([0-9a-f]{64})", p.stdout + p.stderr)
        assert theirs, p.stdout + p.stderr
        assert cr.manifest_digest(json.load(open(path))).hex() == theirs[1], path
    demo = cr.manifest_digest(json.load(open(corpus["demo"] / "manifest.json")))
    header = cr.parse_header(open(corpus["demo"] / "honest" / "fw.log", "rb").read()[4:148])
    assert header["manifest_digest"] == demo


def test_random_record_mutations_both_readers():
    """Differential fuzz: mutated records of every type decode to the same
    status in the clean-room reader and in libvnfo (through the binding)."""
    vnfo = _binding()
    if vnfo is None:
        pytest.skip("the Python binding is not built in place (run bindings/python/tests first)")
    import random
    packet = [2, 1, 1, 0, 0, 0, 2**60, 7, bytes(range(16)), bytes(range(16)), 0, 10**18, 10**18 + 500,
              4200, 65536, {"ab": 1, "cd": 300}, 2, bytes(range(60)), bytes(range(60)), b"s" * 32, 1, 60]
    seeds = [pk(packet), pk(packet[:16] + [1, bytes(128), None, None, None, 0]), pk([1] + packet[1:20]),
             pk([2, 2, 1, 0, 0, 9, 3, 1, 5, _fk(), [6, 17, 300, 4464, bytes(range(16)), bytes(16)]]),
             pk([2, 3, 1, 0, 0, 7, 2, 99]), pk([2, 4, 1, 0, 0, 7, b"k" * 20]), pk([2, 5, 1, 0, 0, 7]),
             pk([2, 6, 1, 0, 0, 1, 2, 3])]
    specials = [0xC0, 0xC2, 0xCC, 0xCD, 0xCE, 0xCF, 0xC4, 0xC6, 0xD9, 0x7F, 0x80, 0x90, 0xDC, 0xDD, 0xFF]
    rng = random.Random(20261206)

    def theirs(data):
        try:
            vnfo.record.decode(data)
            return None
        except vnfo.Error as e:
            return e.status_name

    def ours(data):
        try:
            cr.decode_record(data)
            return None
        except cr.Fault as f:
            return f.status

    for i in range(20000):
        b = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            op = rng.random()
            if op < 0.6 and b:
                b[rng.randrange(len(b))] = rng.choice(specials + [rng.randrange(256)])
            elif op < 0.8 and b:
                del b[rng.randrange(len(b)):]
            else:
                b.insert(rng.randrange(len(b) + 1), rng.randrange(256))
        assert ours(bytes(b)) == theirs(bytes(b)), f"case {i}: {bytes(b).hex()}"


@needs_vnfo
def test_random_log_mutations_both_readers(forger):
    """Differential fuzz of whole logs: a record mutated and its batch signed
    again (to reach framing, decoding and the chain), or the log's bytes
    mutated; both readers find the same faults (through the binding)."""
    vnfo = _binding()
    if vnfo is None:
        pytest.skip("the Python binding is not built in place (run bindings/python/tests first)")
    import random
    f = forger
    key = cr.load_public_key(open(f.pub).read())
    pub = vnfo.PublicKey.load(f.pub)
    rng = random.Random(61206)

    def mutate(b):
        b = bytearray(b)
        for _ in range(rng.randint(1, 2)):
            op = rng.random()
            if op < 0.7 and b:
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
            elif op < 0.85 and b:
                del b[rng.randrange(len(b)):]
            else:
                b.insert(rng.randrange(len(b) + 1), rng.randrange(256))
        return bytes(b)

    for case in range(200):
        parts = [list(r) for r in f.records[:4]]
        target, raw = rng.randrange(4), rng.random() < 0.4
        if not raw:
            j = rng.randrange(len(parts[target]))
            parts[target][j] = mutate(parts[target][j])
        data, prev, seq = b"", bytes(32), 0
        for recs in parts:
            b = f.batch(recs, first_seq=seq, prev=prev)
            data += frame(b)
            prev, seq = cr.check_batch(b)[1], seq + len(recs)
        data = mutate(data) if raw else data
        frames, _ = cr.split_frames(data)
        digest = cr._stated_digest([((0, o), b) for o, b in frames], key)
        ours = sorted(x.status for _, x in cr.verify_log(data, key, manifest_digest=digest)["faults"])
        reader = vnfo.log.LogReader(pub, manifest_digest=digest).add_buffer(data)
        reader.verify()
        list(reader.records(on_error="collect"))
        theirs = sorted([b.status_name for b in reader.faults] + [e.status_name for e in reader.record_errors])
        assert ours == theirs, f"case {case}"


# ----------------------------------------------------------------- corrupted logs

class Forger:
    """Builds batches signed with the demo fw key, to reach the checks
    behind the signature (records, chain)."""

    def __init__(self, corpus):
        keys = corpus["keys"]
        seed = base64.b64decode(open(keys / "fw.key").read().strip().split(":", 1)[1])
        self.sk = Ed25519PrivateKey.from_private_bytes(seed)
        self.pub = str(keys / "fw.pub")
        self.log = corpus["demo"] / "honest" / "fw.log"
        data = open(self.log, "rb").read()
        frames, _ = cr.split_frames(data)
        self.frames = [bytes(b) for _, b in frames]
        self.header0 = cr.parse_header(self.frames[0][:144])
        self.records = [cr.check_batch(f)[2] for f in self.frames]
        self.record0 = msgpack.unpackb(self.records[0][0], raw=False)

    def batch(self, recs, first_seq=0, lost=0, prev=bytes(32), node=1, th=1, reserved=0,
              count=None, version=1, md=None):
        H = cr.tree_hash_fn(th if th in (1, 2) else 1)
        md = self.header0["manifest_digest"] if md is None else md
        h = struct.pack(">4sHBBI32sQQIQ32s32sQ", b"VNFB", version, th, reserved, node, md, 0,
                        first_seq, len(recs) if count is None else count, lost, prev,
                        cr.merkle_root(recs, H), 1)
        body = h + self.sk.sign(cr.SIG_CONTEXT + h)
        return body + b"".join(struct.pack(">I", len(r)) + r for r in recs)

    def packet(self, i, v):
        rec = list(self.record0)
        rec[i] = v
        return msgpack.packb(rec, use_bin_type=True)


def frame(b):
    return struct.pack(">I", len(b)) + b


def flip(b, i, bit=1):
    b = bytearray(b)
    b[i] ^= bit
    return bytes(b)


def pk(x):
    return msgpack.packb(x, use_bin_type=True)


def _replace_once(data, old, new):
    assert data.count(old) == 1
    return data.replace(old, new)


def _fk(v=4, pad=bytes(12)):
    return [v, 6, 1, 2, b"\1\2\3\4" + pad, b"\5\6\7\x08" + bytes(12)]


# (name, builder(forger) -> log bytes, the statuses docs/FORMAT.md names)
def _record_case(rec):
    return lambda f: frame(f.batch([rec(f) if callable(rec) else rec]))


M, NC, UT, UV, LE = (cr.RECORD_MALFORMED, cr.NONCANONICAL, cr.UNKNOWN_TYPE, cr.UNSUPPORTED,
                     cr.LIMIT)
RECORD_CASES = [
    ("version 3", lambda f: f.packet(0, 3), [UV]),
    ("version 2^32", lambda f: f.packet(0, 2**32), [UV]),
    ("version 2^64-1", lambda f: f.packet(0, 2**64 - 1), [UV]),
    ("version 0", lambda f: f.packet(0, 0), [M]),
    ("version as str", lambda f: f.packet(0, "2"), [M]),
    ("version in uint8", lambda f: b"\xdc\x00\x16\xcc\x02" + f.records[0][0][4:], [NC]),
    ("one element, version 3", pk([3]), [M]),
    ("empty array", pk([]), [M]),
    ("not an array", pk({"a": 1}), [M]),
    ("array32 header", lambda f: b"\xdd\x00\x00\x00\x16" + f.records[0][0][3:], [NC]),
    ("heartbeat in version 1", pk([1, 5, 1, 0, 0, 7]), [UT]),
    ("period close in version 1", pk([1, 6, 1, 0, 0, 1, 2, 3]), [UT]),
    ("type 7", pk([2, 7, 1, 0, 0, 7]), [UT]),
    ("type 2^40", pk([2, 2**40, 1, 0, 0, 7]), [UT]),
    ("packet, 23 elements", lambda f: pk(f.record0 + [0]), [M]),
    ("packet, 21 elements", lambda f: pk(f.record0[:-1]), [M]),
    ("version-1 packet, 20 elements", lambda f: pk([1] + f.record0[1:20]), []),
    ("version-1 packet, 22 elements", lambda f: pk([1] + f.record0[1:]), [M]),
    ("seq in uint8", lambda f: f.records[0][0].replace(b"\x02\x01\x01\x00\x00", b"\x02\x01\x01\x00\xcc\x00", 1), [NC]),
    ("trailing byte", lambda f: f.records[0][0] + b"\x00", [NC]),
    ("digest in bin32", lambda f: f.records[0][0].replace(b"\xc4\x10", b"\xc6\x00\x00\x00\x10", 1), [NC]),
    ("verdict 3", lambda f: f.packet(10, 3), [M]),
    ("granularity 3", lambda f: f.packet(16, 3), [M]),
    ("generated with digest_in", lambda f: f.packet(10, 2), [M]),
    ("dropped with digest_out", lambda f: f.packet(10, 1), [M]),
    ("bytes at granularity digest", lambda f: f.packet(16, 0), [M]),
    ("nil bytes at granularity headers", lambda f: pk(f.record0[:16] + [1, None, None] + f.record0[19:]), []),
    ("129 bytes at granularity headers", lambda f: pk(f.record0[:16] + [1, b"x" * 129] + f.record0[18:]), [LE]),
    ("65536 bytes at granularity full", lambda f: pk(f.record0[:17] + [b"x" * 65536] + f.record0[18:]), [LE]),
    ("counters unsorted", lambda f: f.packet(15, {"b": 1, "a": 2}), [NC]),
    ("counter repeated", lambda f: f.packet(15, {"ab": 1}).replace(b"\x81\xa2ab\x01", b"\x82\xa2ab\x01\xa2ab\x02"), [NC]),
    ("counter name in str8", lambda f: f.packet(15, {"ab": 1}).replace(b"\xa2ab", b"\xd9\x02ab"), [NC]),
    ("counter name as bin", lambda f: f.packet(15, {"ab": 1}).replace(b"\xa2ab", b"\xc4\x02ab"), [M]),
    ("counter name with a space", lambda f: f.packet(15, {"a b": 1}), [M]),
    ("counter name empty", lambda f: f.packet(15, {"": 1}), [M]),
    ("counter name of 64 bytes", lambda f: f.packet(15, {"a" * 64: 1}), []),
    ("counter name of 65 bytes", lambda f: f.packet(15, {"a" * 65: 1}), [LE]),
    ("17 counters", lambda f: f.packet(15, {f"c{i:02d}": 1 for i in range(17)}), [LE]),
    ("negative counter", lambda f: f.packet(15, {"a": -1}), [M]),
    ("float time", lambda f: f.packet(11, 1.5), [M]),
    ("hop 2^32", lambda f: f.packet(5, 2**32), [M]),
    ("digest_in of 15 bytes", lambda f: f.packet(8, b"x" * 15), [M]),
    ("state digest of 31 bytes", lambda f: f.packet(19, b"x" * 31), [M]),
    ("state digest of 32 bytes", lambda f: f.packet(19, b"x" * 32), []),
    ("false for nil", lambda f: f.packet(19, False), [M]),
    ("link type nil", lambda f: f.packet(20, None), []),
    ("link type 65536", lambda f: f.packet(20, 65536), [M]),
    ("wire length nil", lambda f: f.packet(21, None), [M]),
    ("wire length 2^32", lambda f: f.packet(21, 2**32), [M]),
    ("t_out_ns below t_in_ns", lambda f: f.packet(12, f.record0[11] - 5), []),
    ("wire length below the captured bytes", lambda f: f.packet(21, 1), []),
    ("record node differs from the header", lambda f: f.packet(2, 9), [cr.LOG_MALFORMED]),
    ("record epoch differs from the header", lambda f: f.packet(3, 9), [cr.LOG_MALFORMED]),
    ("record seq differs from the header", lambda f: f.packet(4, 5), [cr.LOG_MALFORMED]),
    ("empty record", b"", [M]),
    ("heartbeat", pk([2, 5, 1, 0, 0, 7]), []),
    ("heartbeat, 7 elements", pk([2, 5, 1, 0, 0, 7, 8]), [M]),
    ("period close, end = start", pk([2, 6, 1, 0, 0, 5, 5, 7]), []),
    ("period close, end < start", pk([2, 6, 1, 0, 0, 10, 5, 7]), [M]),
    ("loss notice, reason 4", pk([2, 3, 1, 0, 0, 1, 4, 7]), []),
    ("loss notice, reason 5", pk([2, 3, 1, 0, 0, 1, 5, 7]), [M]),
    ("epoch start, empty commitment", pk([2, 4, 1, 0, 0, 1, b""]), []),
    ("epoch start, nil commitment", pk([2, 4, 1, 0, 0, 1, None]), [M]),
    ("epoch start, 65-byte commitment", pk([2, 4, 1, 0, 0, 1, b"x" * 65]), [LE]),
    ("epoch start, commitment stated as 200 bytes, record ends", bytes.fromhex("97020400000000c4c8"), [LE]),
    ("epoch start, commitment stated as 20 bytes, record ends", bytes.fromhex("97020400000000c414"), [M]),
    ("headers bytes stated as 200, record ends", lambda f: (lambda r: r[:r.index(b"\xc4\xc8" + b"x" * 200) + 2])(
        pk(f.record0[:16] + [1, b"x" * 200] + f.record0[18:])), [LE]),
    ("flowtag map", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, _fk(), _fk()]), []),
    ("flowtag map, IPv4 padding", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, _fk(pad=bytes(11) + b"\1"), _fk()]), [NC]),
    ("flowtag map, IPv4 padding in src, then dst not bin", lambda f: _replace_once(
        pk([2, 2, 1, 0, 0, 1, 1, 1, 5, [4, 6, 1, 2, b"\1\2\3\4" + bytes(11) + b"\1",
                                         b"\5\6\7\x08" + bytes(12)], _fk()]),
        b"\x01\xc4\x10\x05", b"\x01\xc0\x10\x05"), [NC]),
    ("flowtag map, ip version 5", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, _fk(v=5), _fk()]), [M]),
    ("flowtag map, 5-element flow key", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, _fk()[:5], _fk()]), [M]),
    ("flowtag map, 4-byte address", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, [4, 6, 1, 2, b"1234", b"5678"], _fk()]), [M]),
    ("flowtag map, proto 256", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, [4, 256, 1, 2, bytes(16), bytes(16)], _fk()]), [M]),
    ("flowtag map, IPv4 to IPv6", pk([2, 2, 1, 0, 0, 1, 1, 1, 5, _fk(), _fk(v=6)]), []),
]


def _chain_frames(f):
    return [frame(b) for b in f.frames]


def _resigned_second(f, **kw):
    h1 = cr.parse_header(f.frames[1][:144])
    kw.setdefault("prev", cr.check_batch(f.frames[0])[1])
    return frame(f.batch(f.records[1], first_seq=h1["first_seq"], **kw))


def _truncated(cut):
    return lambda f: b"".join(_chain_frames(f)[:-1]) + _chain_frames(f)[-1][:cut]


LOG_CASES = [
    ("signature bit", lambda f: flip(frame(f.frames[0]), 4 + 150), [cr.SIGNATURE]),
    ("header bit", lambda f: flip(frame(f.frames[0]), 4 + 140), [cr.SIGNATURE]),
    ("record bit", lambda f: flip(frame(f.frames[0]), 4 + 300), [cr.ROOT]),
    ("magic", lambda f: flip(frame(f.frames[0]), 4), [cr.LOG_MALFORMED]),
    ("batch version 2, then a gap", lambda f: (lambda F: F[0] + flip(F[1], 9, 3) + b"".join(F[2:]))(_chain_frames(f)), [UV, cr.GAP]),
    ("batch version 0", lambda f: frame(f.batch(f.records[0], version=0)), [cr.LOG_MALFORMED]),
    ("tree hash 3", lambda f: frame(f.batch(f.records[0], th=3)), [cr.LOG_MALFORMED]),
    ("tree hash SHA-256", lambda f: frame(f.batch(f.records[0], th=2)), []),
    ("reserved byte 1", lambda f: frame(f.batch(f.records[0], reserved=1)), [cr.LOG_MALFORMED]),
    ("record count 0", lambda f: frame(f.batch([], count=0)), [cr.LOG_MALFORMED]),
    ("record count 2^20+1", lambda f: frame(f.batch([pk([2, 5, 1, 0, 0, 1])], count=2**20 + 1)), [cr.LOG_MALFORMED]),
    ("record count one too many", lambda f: frame(f.batch(f.records[0], count=len(f.records[0]) + 1)), [cr.LOG_MALFORMED]),
    ("record count one too few", lambda f: frame(f.batch(f.records[0], count=len(f.records[0]) - 1)), [cr.LOG_MALFORMED]),
    ("bytes after the last record", lambda f: frame(f.batch(f.records[0]) + b"\0"), [cr.LOG_MALFORMED]),
    ("sequence numbers overflow", lambda f: frame(f.batch(f.records[0], first_seq=2**64 - len(f.records[0]))), [cr.LOG_MALFORMED]),
    ("a record of 140,012 bytes", lambda f: frame(f.batch([pk([2, 4, 1, 0, 0, 1, b"x" * 140000])])), [LE]),
    ("second batch swapped with the third", lambda f: (lambda F: F[0] + F[2] + F[1] + b"".join(F[3:]))(_chain_frames(f)), [cr.REORDERED, cr.REORDERED]),
    ("last two batches swapped", lambda f: (lambda F: b"".join(F[:-2]) + F[-1] + F[-2])(_chain_frames(f)), [cr.REORDERED, cr.REORDERED]),
    ("second batch deleted", lambda f: (lambda F: F[0] + b"".join(F[2:]))(_chain_frames(f)), [cr.GAP]),
    ("second batch twice", lambda f: (lambda F: F[0] + F[1] + F[1] + b"".join(F[2:]))(_chain_frames(f)), [cr.DUPLICATE]),
    ("second batch with another prev hash", lambda f: (lambda F: F[0] + _resigned_second(f, prev=b"\1" * 32) + b"".join(F[2:]))(_chain_frames(f)), [cr.BROKEN, cr.BROKEN]),
    ("lost count explains a gap", lambda f: frame(f.frames[0]) + frame(f.batch(
        f.records[1][5:], first_seq=cr.parse_header(f.frames[1][:144])["first_seq"] + 5, lost=5,
        prev=cr.check_batch(f.frames[0])[1])), []),
    ("lost count overflows", lambda f: frame(f.frames[0]) + _resigned_second(f, lost=2**64 - 1), [cr.GAP]),
    ("second batch names another manifest", lambda f: (lambda F: F[0] + _resigned_second(f, md=b"\7" * 32) + b"".join(F[2:]))(_chain_frames(f)), [cr.MANIFEST, cr.GAP]),
    ("first batch's manifest digest corrupted", lambda f: (lambda F: flip(F[0], 4 + 20) + b"".join(F[1:]))(_chain_frames(f)), [cr.SIGNATURE]),
    ("first batch signed with another manifest but a wrong root", lambda f: (lambda F: frame(
        f.batch(f.records[0], md=b"\7" * 32)[:-1] + b"\0") + b"".join(F[1:]))(_chain_frames(f)),
     [cr.MANIFEST]),
    ("second batch from node 7", lambda f: frame(f.frames[0]) + _resigned_second(f, node=7), [cr.NODE]),
    ("ends in a frame length", _truncated(3), [cr.TRUNCATED]),
    ("ends after a frame length", _truncated(4), [cr.TRUNCATED]),
    ("ends inside the magic", _truncated(6), [cr.TRUNCATED]),
    ("ends inside a header", _truncated(100), [cr.TRUNCATED]),
    ("ends inside the records", _truncated(300), [cr.TRUNCATED]),
    ("cut frame that is not a batch", lambda f: b"".join(_chain_frames(f)[:-1]) + _chain_frames(f)[-1][:4] + b"XXXX", [cr.LOG_MALFORMED]),
    ("frame length 207", lambda f: frame(f.frames[0]) + struct.pack(">I", 207) + f.frames[1][:207], [cr.LOG_MALFORMED]),
    ("frame length 2^28+1", lambda f: frame(f.frames[0]) + struct.pack(">I", 2**28 + 1) + b"VNFB", [cr.LOG_MALFORMED]),
]


@pytest.fixture(scope="module")
def forger(corpus):
    return Forger(corpus)


@needs_vnfo
@pytest.mark.parametrize("name,build,want", RECORD_CASES, ids=[c[0] for c in RECORD_CASES])
def test_corrupt_record_both_readers(forger, tmp_path, name, build, want):
    f = forger
    rec = build(f) if callable(build) else build
    _both_readers(f, tmp_path, frame(f.batch([rec])), want)


@needs_vnfo
@pytest.mark.parametrize("name,build,want", LOG_CASES, ids=[c[0] for c in LOG_CASES])
def test_corrupt_log_both_readers(forger, tmp_path, name, build, want):
    f = forger
    _both_readers(f, tmp_path, build(f), want)


def _both_readers(f, tmp_path, data, want):
    log = tmp_path / "x.log"
    log.write_bytes(data)
    mine = [x.status for _, x in cr.verify_log(data, cr.load_public_key(open(f.pub).read()))["faults"]]
    rc, theirs, text = library_verdicts(str(log), f.pub)
    assert mine == want
    assert theirs == want, text[-600:]
    assert rc == (1 if want else 0)


# (name, builder(forger) -> [file bytes], extra `vnfo log verify` options, statuses)
STREAM_CASES = [
    ("first file truncated inside a batch, second goes on after it",
     lambda f, F: [F[0] + F[1][:50], b"".join(F[2:])], [], [cr.TRUNCATED, cr.GAP]),
    ("first file ends in a frame length, second holds that frame",
     lambda f, F: [F[0] + F[1][:2], b"".join(F[1:])], [], [cr.TRUNCATED]),
    ("a frame split across two files",
     lambda f, F: [F[0] + F[1][:100], F[1][100:] + b"".join(F[2:])], [], [cr.TRUNCATED, cr.LOG_MALFORMED]),
    ("two empty files", lambda f, F: [b"", b""], [], []),
    ("batches spread over three files", lambda f, F: [F[0], b"".join(F[1:5]), b"".join(F[5:])], [], []),
    ("node 2 expected, the log is node 1's", lambda f, F: [b"".join(F)], ["--node", "2"], [cr.NODE] * 11),
    ("node 1 expected, second batch from node 7", lambda f, F: [F[0] + _resigned_second(f, node=7)],
     ["--node", "1"], [cr.NODE]),
    ("from the start, first batch deleted", lambda f, F: [b"".join(F[1:])], ["--from-start"], [cr.GAP]),
    ("from the start, whole log", lambda f, F: [b"".join(F)], ["--from-start"], []),
    ("from the start, first two batches swapped", lambda f, F: [F[1] + F[0] + b"".join(F[2:])],
     ["--from-start"], [cr.REORDERED, cr.REORDERED]),
]


@needs_vnfo
@pytest.mark.parametrize("name,build,opts,want", STREAM_CASES, ids=[c[0] for c in STREAM_CASES])
def test_streams_of_several_files_both_readers(forger, tmp_path, name, build, opts, want):
    f = forger
    parts = build(f, _chain_frames(f))
    paths = []
    for i, data in enumerate(parts):
        paths.append(str(tmp_path / f"part{i}.log"))
        open(paths[-1], "wb").write(data)
    node = int(opts[opts.index("--node") + 1]) if "--node" in opts else None
    mine = cr.verify_log(parts, cr.load_public_key(open(f.pub).read()), node=node,
                         from_start="--from-start" in opts)
    rc, theirs, text = library_verdicts(paths[0], f.pub, *opts, more=paths[1:])
    assert [x.status for _, x in mine["faults"]] == want
    assert theirs == want, text[-600:]
    assert rc == (1 if want or not mine["batches"] else 0)
    if not want and mine["batches"]:
        dump = run("log", "dump", "--jsonl", "--pub", f.pub, *paths).stdout
        assert [json.loads(x)["seq"] for x in dump.splitlines()] == [r["seq"] for r in mine["records"]]


@needs_vnfo
@pytest.mark.parametrize("text,ok", [
    ("{k}\n", True), ("{k}\r\n", True), ("{k}", True), ("{k}\n\n", False), ("{k} \n", False),
    (" {k}\n", False), ("{k}\nmore\n", False), ("{unpadded}\n", False),
    ("{noncanonical}\n", False), ("ED25519:{b64}\n", False)])
def test_public_key_files_both_readers(forger, tmp_path, text, ok):
    k = open(forger.pub).read().strip()
    b64 = k.split(":", 1)[1]
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(b64[-2])
    noncanonical = "ed25519:" + b64[:-2] + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last ^ 1] + "="
    key = tmp_path / "k.pub"
    key.write_bytes(text.format(k=k, b64=b64, unpadded=k.rstrip("="), noncanonical=noncanonical).encode())
    try:
        cr.load_public_key(key.read_bytes().decode())
        mine = True
    except ValueError:
        mine = False
    p = run("log", "verify", "--pub", str(key), str(forger.log), check=False)
    assert mine == ok
    assert (p.returncode == 0) == ok, p.stdout + p.stderr
    if not ok:
        assert "VNFO_E_KEY_FORMAT" in p.stderr


@needs_vnfo
@pytest.mark.parametrize("mode,ok", [(0o600, True), (0o400, True), (0o700, True), (0o640, False),
                                     (0o620, False), (0o602, False), (0o610, False)])
def test_secret_key_file_modes(corpus, tmp_path, mode, ok):
    """6: refused when group or others have any permission on it."""
    keys, demo = corpus["keys"], corpus["demo"]
    key = tmp_path / "fw.key"
    key.write_bytes((keys / "fw.key").read_bytes())
    os.chmod(key, mode)
    cap = str(demo / "capture.pcap")
    p = run("tap", "--manifest", str(demo / "manifest.json"), "--node", "fw", "--key", str(key),
            "--sampling-key", str(keys / "sampling.key"), "--ingress-pcap", cap, "--egress-pcap", cap,
            "--out", str(tmp_path / "fw.log"), check=False)
    assert (p.returncode == 0) == ok, p.stderr
    if not ok:
        assert f"VNFO_E_KEY_PERMISSIONS: {key}: secret key file has mode {mode:03o}; group and " \
               "others must have no access to it (chmod 600)" in p.stderr, p.stderr


@needs_vnfo
def test_cli_takes_the_manifest_digest_from_a_signed_batch(corpus, tmp_path):
    """A corrupted first batch must not set the digest every authentic batch
    is then held to: one fault, not one per batch (tools/cmd_log.c)."""
    f = Forger(corpus)
    log = tmp_path / "x.log"
    log.write_bytes(flip(frame(f.frames[0]), 4 + 20) + b"".join(frame(b) for b in f.frames[1:]))
    rc, statuses, text = library_verdicts(str(log), f.pub)
    assert statuses == [cr.SIGNATURE], text[-600:]
    assert "manifest digest blake2b:" + f.header0["manifest_digest"].hex() in text


# ----------------------------------------------------------------- inclusion proofs

@needs_vnfo
def test_inclusion_proofs_check_from_the_document(corpus, tmp_path):
    f = Forger(corpus)
    log = str(corpus["demo"] / "honest" / "fw.log")
    pub = cr.load_public_key(open(f.pub).read())
    total = sum(len(r) for r in f.records)
    for seq in (0, 1, 63, 64, 70, total - 1):
        out = tmp_path / f"p{seq}.txt"
        run("log", "prove", log, "--seq", str(seq), "--pub", f.pub, "--out", str(out))
        text = out.read_text()
        assert cr.check_proof(text, pub)["seq"] == seq
        run("log", "check-proof", "--pub", f.pub, str(out))
        lines = text.splitlines()
        paths = [i for i, ln in enumerate(lines) if ln.startswith("path: ")]
        if not paths:
            continue
        bad = list(lines)
        bad[paths[0]] = "path: " + flip(bytes.fromhex(lines[paths[0]][6:]), 0).hex()
        (tmp_path / "bad.txt").write_text("\n".join(bad) + "\n")
        with pytest.raises(cr.Fault) as e:
            cr.check_proof("\n".join(bad), pub)
        assert e.value.status == "VNFO_E_LOG_PROOF_INVALID"
        p = run("log", "check-proof", "--pub", f.pub, str(tmp_path / "bad.txt"), check=False)
        assert p.returncode != 0 and "VNFO_E_LOG_PROOF_INVALID" in p.stdout + p.stderr


def _proof_variants():
    def edit(old, new):
        return lambda t: t.replace(old, new, 1)
    return [
        ("as written", lambda t: t, 0),
        ("CRLF", lambda t: t.replace("\n", "\r\n"), 0),
        ("no final newline", lambda t: t.rstrip("\n"), 0),
        ("an empty line", edit("\nleaf-index", "\n\nleaf-index"), 0),
        ("keys in another order", lambda t: "\n".join(
            [t.splitlines()[0], t.splitlines()[2], t.splitlines()[1]] + t.splitlines()[3:]) + "\n", 0),
        ("leaf index repeated", edit("tree-size", "leaf-index: 0\ntree-size"), 3),
        ("leaf index with a sign", edit("leaf-index: ", "leaf-index: +"), 3),
        ("leaf index with a leading zero", edit("leaf-index: ", "leaf-index: 0"), 3),
        ("two spaces after the colon", edit("leaf-index: ", "leaf-index:  "), 3),
        ("uppercase hex", lambda t: re.sub(r"signed-header: (\w+)",
                                           lambda m: "signed-header: " + m[1].upper(), t), 3),
        ("an unknown key", lambda t: t + "comment: x\n", 3),
        ("tree size one more", lambda t: re.sub(r"tree-size: (\d+)", lambda m: f"tree-size: {int(m[1]) + 1}", t), 1),
        ("leaf index = tree size", lambda t: re.sub(r"leaf-index: \d+", "leaf-index: " + re.search(r"tree-size: (\d+)", t)[1], t), 1),
        ("last path hash dropped", lambda t: t[:t.rindex("path: ")], 1),
        ("a path hash too many", lambda t: t + t[t.rindex("path: "):], 1),
    ]


@needs_vnfo
@pytest.mark.parametrize("name,edit,exit_code", _proof_variants(), ids=[v[0] for v in _proof_variants()])
def test_inclusion_proof_text_both_readers(forger, tmp_path, name, edit, exit_code):
    """3.1's text, read strictly by both: one meaning per proof."""
    proof = tmp_path / "p.txt"
    run("log", "prove", str(forger.log), "--seq", "70", "--pub", forger.pub, "--out", str(proof))
    text = edit(proof.read_text())
    assert text != proof.read_text() or exit_code == 0
    proof.write_bytes(text.encode())
    p = run("log", "check-proof", "--pub", forger.pub, str(proof), check=False)
    assert p.returncode == exit_code, p.stdout + p.stderr
    pub = cr.load_public_key(open(forger.pub).read())
    if exit_code == 3:
        with pytest.raises(ValueError):
            cr.check_proof(text, pub)
        assert re.search(r"p\.txt:\d+: not a valid", p.stderr), p.stderr
    elif exit_code == 1:
        with pytest.raises(cr.Fault) as e:
            cr.check_proof(text, pub)
        assert e.value.status == "VNFO_E_LOG_PROOF_INVALID"
        assert "VNFO_E_LOG_PROOF_INVALID" in p.stderr
    else:
        assert cr.check_proof(text, pub)["seq"] == 70

