import ipaddress

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

import vnfo
from vnfo import record

u32 = st.integers(0, 2**32 - 1)
u64 = st.integers(0, 2**64 - 1)
d16 = st.binary(min_size=16, max_size=16)
counter_names = st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=64)


@st.composite
def packet_records(draw):
    gran = draw(st.sampled_from(record.GRANULARITIES))
    limit = {"digest": None, "headers": 128, "full": 2000}[gran]
    pkt = st.none() if limit is None else st.none() | st.binary(max_size=limit)
    verdict = draw(st.sampled_from(record.VERDICTS))
    # The digest a verdict leaves empty is all zero (docs/FORMAT.md 1.1).
    digest_in = bytes(16) if verdict == "generated" else draw(d16)
    digest_out = bytes(16) if verdict == "dropped" else draw(d16)
    return vnfo.PacketRecord(
        hop=draw(u32), label=draw(u64), flowtag=draw(u32), digest_in=digest_in,
        digest_out=digest_out, verdict=verdict,
        link_type=draw(st.none() | st.integers(0, 65535)), wire_len=draw(u32),
        t_in_ns=draw(u64), t_out_ns=draw(u64), cpu_cycles=draw(u64), mem_bytes=draw(u64),
        counters=draw(st.dictionaries(counter_names, u64, max_size=16)), granularity=gran,
        bytes_in=draw(pkt), bytes_out=draw(pkt),
        state_digest=draw(st.none() | st.binary(min_size=32, max_size=32)),
        node_id=draw(u32), epoch=draw(u64), seq=draw(u64))


@st.composite
def flow_keys(draw):
    if draw(st.booleans()):
        make, width = ipaddress.IPv4Address, 4
    else:
        make, width = ipaddress.IPv6Address, 16
    return vnfo.FlowKey(width == 4 and 4 or 6, draw(st.integers(0, 255)),
                        make(draw(st.binary(min_size=width, max_size=width))),
                        make(draw(st.binary(min_size=width, max_size=width))),
                        draw(st.integers(0, 65535)), draw(st.integers(0, 65535)))


other_records = st.one_of(
    st.builds(vnfo.FlowTagMapRecord, tag=st.integers(1, 2**32 - 1), tagging_node=u32,
              service_path=u32, time_ns=u64, original=flow_keys(), rewritten=flow_keys(),
              node_id=u32, epoch=u64, seq=u64),
    st.builds(vnfo.LossNotice, count=st.integers(1, 2**64 - 1),
              reason=st.sampled_from(record.LOSS_REASONS), time_ns=u64, node_id=u32),
    st.builds(vnfo.EpochStart, time_ns=u64, commitment=st.binary(max_size=64), seq=u64),
    st.builds(vnfo.Heartbeat, time_ns=u64, node_id=u32, seq=u64),
    st.builds(lambda a, b, t, n: vnfo.PeriodClose(period_start_ns=min(a, b), period_end_ns=max(a, b),
                                                  time_ns=t, node_id=n), u64, u64, u64, u32),
)


def normalised(rec):
    if isinstance(rec, vnfo.PacketRecord):
        rec.counters = dict(sorted(rec.counters.items()))  # decoding sorts by name
    return rec


@given(st.one_of(packet_records(), other_records))
def test_encode_decode_round_trip(rec):
    data = record.encode(rec)
    back = record.decode(data)
    assert back == normalised(rec)
    assert record.encode(back) == data  # canonical: one record, one encoding


@given(packet_records())
def test_json_rendering_agrees(rec):
    doc = record.to_json(rec)
    assert doc["type"] == "packet" and doc["label"] == rec.label
    assert doc["digest_in"] == rec.digest_in.hex() and doc["verdict"] == rec.verdict


@given(st.binary(max_size=200))
def test_decode_refuses_garbage_cleanly(data):
    try:
        rec = record.decode(data)
    except (vnfo.RecordError, vnfo.UnsupportedVersion, vnfo.LimitExceeded,
            vnfo.InvalidArgument):
        return
    assert record.encode(rec) == data


def test_decode_errors_name_field_and_offset():
    data = record.encode(vnfo.PacketRecord(label=5))
    with pytest.raises(vnfo.RecordError) as info:
        record.decode(data[:-3])
    assert info.value.status_name == "VNFO_E_RECORD_MALFORMED"
    assert info.value.message.startswith("record: byte ")
    assert info.value.offset == int(info.value.message.split()[2].rstrip(":"))
    with pytest.raises(vnfo.RecordError) as info:
        record.decode(data + b"\x00")  # bytes after the array: non-canonical (FORMAT.md 1.5)
    assert info.value.status_name == "VNFO_E_RECORD_NONCANONICAL"


def test_version1_records_round_trip():
    rec = vnfo.PacketRecord(label=5, format_version=1)
    data = record.encode(rec)
    assert data[:4] == b"\xdc\x00\x14\x01"  # 20 elements, version 1
    back = record.decode(data)
    assert back.format_version == 1 and back.link_type is None and back.wire_len == 0
    assert record.encode(back) == data
    assert "link_type" not in record.to_json(back)
    with pytest.raises(vnfo.InvalidArgument):
        record.encode(vnfo.PacketRecord(wire_len=60, format_version=1))
    with pytest.raises(vnfo.InvalidArgument):
        record.encode(vnfo.Heartbeat(format_version=1))


def test_link_type_wire_len_heartbeat_period_close():
    rec = record.decode(record.encode(vnfo.PacketRecord(link_type=229, wire_len=1514)))
    assert (rec.link_type, rec.wire_len, rec.format_version) == (229, 1514, 2)
    doc = record.to_json(rec)
    assert doc["link_type"] == 229 and doc["wire_len"] == 1514
    assert record.to_json(vnfo.PacketRecord())["link_type"] is None
    with pytest.raises(vnfo.InvalidArgument, match="link_type 65536"):
        record.encode(vnfo.PacketRecord(link_type=65536))
    hb = record.decode(record.encode(vnfo.Heartbeat(time_ns=7, node_id=3)))
    assert hb == vnfo.Heartbeat(time_ns=7, node_id=3)
    assert record.to_json(hb) == {"type": "heartbeat", "version": 2, "node_id": 3, "epoch": 0,
                                  "seq": 0, "time_ns": 7}
    pc = vnfo.PeriodClose(period_start_ns=10, period_end_ns=20, time_ns=21)
    assert record.decode(record.encode(pc)) == pc
    with pytest.raises(vnfo.InvalidArgument):
        record.encode(vnfo.PeriodClose(period_start_ns=20, period_end_ns=10))
    with pytest.raises(vnfo.InvalidArgument):
        record.encode(vnfo.PacketRecord(verdict="generated", digest_in=b"\x01" * 16))


def test_newer_format_version_is_refused():
    data = bytearray(record.encode(vnfo.LossNotice(count=3)))
    assert data[1] == 2  # fixarray, then the format version
    data[1] = 3
    with pytest.raises(vnfo.UnsupportedVersion) as info:
        record.decode(bytes(data))
    assert info.value.status_name == "VNFO_E_UNSUPPORTED_VERSION"


def test_encode_checks_python_values():
    with pytest.raises(vnfo.InvalidArgument, match="digest_in has 3 bytes"):
        record.encode(vnfo.PacketRecord(digest_in=b"abc"))
    with pytest.raises(vnfo.InvalidArgument, match="unknown verdict 'lost'"):
        record.encode(vnfo.PacketRecord(verdict="lost"))
    with pytest.raises(vnfo.LimitExceeded):
        record.encode(vnfo.PacketRecord(counters={f"c{i}": i for i in range(17)}))
    with pytest.raises(vnfo.InvalidArgument, match="inconsistent with the granularity"):
        record.encode(vnfo.PacketRecord(granularity="digest", bytes_in=b"x"))
    with pytest.raises(TypeError):
        record.encode("not a record")


def sample_records():
    return [vnfo.PacketRecord(node_id=1, seq=i, hop=i % 3, label=2**63 + i, t_in_ns=1000 * i,
                              t_out_ns=1000 * i + 50 + i, cpu_cycles=100 + i,
                              verdict="dropped" if i == 2 else "forwarded",
                              digest_in=bytes([i]) * 16, counters={"rules": i} if i % 2 else {})
            for i in range(5)] + [vnfo.LossNotice(count=2)]


def test_numpy_table_has_typed_columns():
    arr = record.to_numpy(sample_records())
    assert arr.dtype == record.PACKET_DTYPE and len(arr) == 5
    assert arr["label"].dtype == np.uint64 and arr["label"][4] == 2**63 + 4
    assert list(arr["delay_ns"]) == [50, 51, 52, 53, 54]
    assert bytes(arr["digest_in"][3]) == b"\x03" * 16
    assert list(arr["verdict"]) == [0, 0, 1, 0, 0]


def test_pandas_frame():
    df = record.to_pandas(sample_records())
    assert len(df) == 5
    assert df["label"].dtype == np.uint64 and df["delay_ns"].dtype == np.int64
    assert isinstance(df["verdict"].dtype, pd.CategoricalDtype)
    assert list(df["verdict"]) == ["forwarded", "forwarded", "dropped", "forwarded", "forwarded"]
    assert df["digest_in"][1] == "01" * 16
    assert df["counter.rules"].isna().tolist() == [True, False, True, False, True]
    assert df.groupby("hop")["delay_ns"].mean().to_dict() == {0: 51.5, 1: 52.5, 2: 52.0}
    again = record.to_pandas(record.to_numpy(sample_records()))
    assert again.drop(columns=["counter.rules"], errors="ignore").equals(
        df.drop(columns=["counter.rules"]))
