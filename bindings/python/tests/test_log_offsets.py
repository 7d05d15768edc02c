"""Every fault class of the log reader keeps its place: ``BatchInfo.offset``
and the raised error's ``.offset`` are the same FILE offset (of the faulty
batch's length prefix), relative to the file the batch is in, never to the
stream or the batch.

The stream is two files: A holds batches 0-1, B the rest, and every fault
is put in B behind one intact batch, so a stream offset, a batch offset or
0 would all differ from the expected value.
"""

import pickle
import struct

import pytest

import vnfo

KEY = vnfo.SigningKey.from_seed(bytes(range(32)))
DIGEST = bytes(range(32))
OTHER_DIGEST = bytes(range(1, 33))
HEADER_BYTES = 144  # VNFO_LOG_HEADER_BYTES: the signature follows it


def frame(batch: bytes) -> bytes:
    return struct.pack(">I", len(batch)) + batch


def write_batches(n_batches, *, node_id=7, digest=DIGEST, first_seq=0, prev_hash=None,
                  label0=0):
    """Batches of 4 packet records each, as written (no length prefix)."""
    out = []
    clock = iter(range(1_000_000, 2_000_000, 1000))
    with vnfo.LogWriter(KEY, node_id, out.append, manifest_digest=digest, batch_records=4,
                        first_seq=first_seq, prev_hash=prev_hash,
                        clock=lambda: next(clock)) as w:
        for i in range(4 * n_batches):
            w.append(vnfo.PacketRecord(label=label0 + i, t_in_ns=10 * i, t_out_ns=10 * i + 5,
                                       cpu_cycles=100 + i, mem_bytes=64))
    return out


BATCHES = write_batches(6)


def continued(**changes):
    """Batches 3.. written by a second writer that continues batches 0-2 with
    the seq and prev_hash they need, but something else changed."""
    opts = dict(first_seq=12, prev_hash=vnfo.log.batch_hash(BATCHES[2]), label0=100)
    opts.update(changes)
    return write_batches(2, **opts)


def flipped(batch: bytes, index: int, value=None) -> bytes:
    b = bytearray(batch)
    b[index] = value if value is not None else b[index] ^ 0xFF
    return bytes(b)


F2, F3 = frame(BATCHES[2]), frame(BATCHES[3])

# name: (bytes of file B, status, error class, index of the first fault in
# the stream, its offset in B)
CASES = {
    "root mismatch": (F2 + frame(flipped(BATCHES[3], len(BATCHES[3]) - 3)),
                      "VNFO_E_LOG_ROOT_MISMATCH", vnfo.LogIntegrityError, 3, len(F2)),
    "signature invalid": (F2 + frame(flipped(BATCHES[3], HEADER_BYTES + 5)),
                          "VNFO_E_SIGNATURE_INVALID", vnfo.SignatureError, 3, len(F2)),
    "manifest mismatch": (F2 + frame(continued(digest=OTHER_DIGEST)[0]),
                          "VNFO_E_LOG_MANIFEST_MISMATCH", vnfo.LogIntegrityError, 3, len(F2)),
    "node mismatch": (F2 + frame(continued(node_id=8)[0]),
                      "VNFO_E_LOG_NODE_MISMATCH", vnfo.LogIntegrityError, 3, len(F2)),
    "broken chain": (F2 + frame(continued(prev_hash=bytes(32))[0]),
                     "VNFO_E_LOG_BROKEN_CHAIN", vnfo.LogIntegrityError, 3, len(F2)),
    "sequence gap": (F2 + frame(BATCHES[4]),
                     "VNFO_E_LOG_SEQUENCE_GAP", vnfo.LogIntegrityError, 3, len(F2)),
    "reordered": (F2 + frame(BATCHES[4]) + F3,
                  "VNFO_E_LOG_REORDERED", vnfo.LogIntegrityError, 3, len(F2)),
    "duplicate": (F2 + F3 + F3,
                  "VNFO_E_LOG_DUPLICATE", vnfo.LogIntegrityError, 4, len(F2) + len(F3)),
    "truncated batch": (F2 + F3[:50],
                        "VNFO_E_LOG_TRUNCATED", vnfo.LogFormatError, 3, len(F2)),
    "truncated length prefix": (F2 + F3[:3],
                                "VNFO_E_LOG_TRUNCATED", vnfo.LogFormatError, 3, len(F2)),
    "frame length out of range": (F2 + struct.pack(">I", 5) + bytes(40),
                                  "VNFO_E_LOG_MALFORMED", vnfo.LogFormatError, 3, len(F2)),
    "frame past the end without magic": (F2 + struct.pack(">I", 900) + b"junk" * 10,
                                         "VNFO_E_LOG_MALFORMED", vnfo.LogFormatError, 3, len(F2)),
    "malformed header": (F2 + frame(flipped(BATCHES[3], 0)),
                         "VNFO_E_LOG_MALFORMED", vnfo.LogFormatError, 3, len(F2)),
    "unsupported version": (F2 + frame(flipped(BATCHES[3], 4, 0xFF)),
                            "VNFO_E_UNSUPPORTED_VERSION", vnfo.UnsupportedVersion, 3, len(F2)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fault_offset_is_the_file_offset(tmp_path, case):
    content, status, cls, index, offset = CASES[case]
    a, b = tmp_path / "fw.0.log", tmp_path / "fw.1.log"
    a.write_bytes(frame(BATCHES[0]) + frame(BATCHES[1]))
    b.write_bytes(content)
    log = vnfo.open_log([a, b], KEY.public_key, manifest_digest=DIGEST, node_id=7)
    fault = log.faults[0]
    assert (fault.status_name, fault.index, fault.source, fault.offset) == \
        (status, index, str(b), offset)
    assert log.batch(index).offset == offset
    with pytest.raises(cls) as info:
        log.raise_for_faults()
    err = info.value
    assert (err.status_name, err.path, err.offset) == (status, str(b), offset)
    assert err.message.startswith(f"{b}: offset {offset}: batch {index}: ")
    assert fault.message in err.message
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.offset, back.path, back.message) == \
        (cls, offset, str(b), err.message)


def test_error_offset_is_not_taken_from_a_byte_inside_the_batch(tmp_path):
    # The reader's text names "byte 32" of the header (relative to the
    # batch); .offset stays the file offset.
    content = F2 + frame(continued(digest=OTHER_DIGEST)[0])
    b = tmp_path / "fw.log"
    b.write_bytes(frame(BATCHES[0]) + frame(BATCHES[1]) + content)
    log = vnfo.open_log(b, KEY.public_key, manifest_digest=DIGEST)
    fault = log.faults[0]
    assert "byte" in fault.message
    expected = len(frame(BATCHES[0]) + frame(BATCHES[1]) + F2)
    assert fault.offset == expected and fault.error().offset == expected


def test_batch_bytes_of_a_truncated_batch_raises_its_fault(tmp_path):
    b = tmp_path / "cut.log"
    b.write_bytes(frame(BATCHES[0]) + F2[:40])
    log = vnfo.open_log(b, KEY.public_key, manifest_digest=DIGEST)
    with pytest.raises(vnfo.LogFormatError) as info:
        log.batch_bytes(1)
    assert (info.value.status_name, info.value.offset, info.value.path) == \
        ("VNFO_E_LOG_TRUNCATED", len(frame(BATCHES[0])), str(b))



def resigned(batch: bytes, records) -> bytes:
    """``batch`` with other records, its root and signature made anew: an
    authentic batch whose records say something else than its header."""
    header = bytearray(batch[:HEADER_BYTES])
    header[104:136] = vnfo.log.tree_root(records, "blake2b-256")  # the root field
    signature = KEY.sign(b"vnfo log batch header v1\0" + bytes(header))
    return bytes(header) + signature + b"".join(frame(r) for r in records)


@pytest.mark.parametrize("on_error", ["raise", "collect"])
def test_record_error_offset_is_the_file_offset_of_its_batch(tmp_path, on_error):
    import dataclasses
    records = [vnfo.log.batch_record(BATCHES[3], i) for i in range(4)]
    wrong = dataclasses.replace(vnfo.record.decode(records[1]), seq=99)
    records[1] = vnfo.record.encode(wrong)
    a, b = tmp_path / "fw.0.log", tmp_path / "fw.1.log"
    a.write_bytes(frame(BATCHES[0]) + frame(BATCHES[1]))
    b.write_bytes(F2 + frame(resigned(BATCHES[3], records)))
    log = vnfo.open_log([a, b], KEY.public_key, manifest_digest=DIGEST, node_id=7)
    assert log.ok  # the batch is authentic; only its record 1 is wrong
    if on_error == "raise":
        with pytest.raises(vnfo.LogFormatError) as info:
            list(log.records())
        err = info.value
    else:
        seqs = [r.seq for r in log.records(on_error="collect")]
        assert seqs == [i for i in range(16) if i != 13]
        (err,) = log.record_errors
    assert (err.status_name, err.path, err.offset) == ("VNFO_E_LOG_MALFORMED", str(b), len(F2))
    assert err.message.startswith(f"{b}: offset {len(F2)}: batch 3 record 1 (seq 13): ")
