import fractions

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, strategies as st

import vnfo
from vnfo import sampler as S
from pktutil import tcp6, udp4

KEY = bytes(range(32))


def frames(n, size=64):
    """n distinct UDP frames padded into the rows of an (n, size) array."""
    arr = np.zeros((n, size), dtype=np.uint8)
    lens = np.zeros(n, dtype=np.uint32)
    for i in range(n):
        f = udp4(sport=1000 + i % 50000, dport=53, ident=i & 0xFFFF,
                 payload=i.to_bytes(4, "big") + b"abcdefgh")[:size]
        arr[i, :len(f)] = np.frombuffer(f, np.uint8)
        lens[i] = len(f)
    return arr, lens


def test_decide_is_deterministic_and_keyed():
    s = vnfo.Sampler(KEY, "1/2")
    d = [s.decide(udp4(sport=p)) for p in range(200)]
    assert d == [vnfo.Sampler(KEY, "1/2").decide(udp4(sport=p)) for p in range(200)]
    other = vnfo.Sampler(bytes(32), "1/2")
    assert [x.selected for x in d] != [other.decide(udp4(sport=p)).selected for p in range(200)]
    chosen = [x for x in d if x.selected]
    assert chosen and all(x.label == s.label(udp4(sport=p))
                          for p, x in enumerate(d) if x.selected)
    assert all(x.label == 0 for x in d if not x.selected)
    assert all(x.epoch == 0 and x.status == 0 for x in d)


def test_probability_ranges_and_rekey():
    s = vnfo.Sampler(KEY, "1/64", epoch=3)
    assert s.probability == fractions.Fraction(1, 64) and s.epoch == 3
    assert s.ranges == [(0, 2**58 - 1)]
    assert vnfo.Sampler(KEY, fractions.Fraction(3, 2**10)).probability == fractions.Fraction(3, 1024)
    r = vnfo.Sampler(KEY, ranges="0-0xff,0x1000-0x10ff", hash="bob")
    assert r.ranges == [(0, 255), (0x1000, 0x10FF)]
    assert r.probability == fractions.Fraction(512, 2**32)
    s4 = s.rekey(4)
    assert s4.epoch == 4 and s4.probability == s.probability
    pkt = udp4()
    assert s4.label(pkt) != s.label(pkt)
    assert "siphash-2-4" in repr(s)


@pytest.mark.parametrize("hash_name", ["siphash-2-4", "xxh3-64", "bob"])
def test_selection_rate_matches_binomial(hash_name):
    arr, lens = frames(4000)
    s = vnfo.Sampler(KEY, "1/4", hash=hash_name)
    k = int(s.decide_burst(arr, lengths=lens)["selected"].sum())
    # A fixed key and fixed packets: deterministic, so this cannot flake.
    assert scipy.stats.binomtest(k, 4000, 0.25).pvalue > 1e-3


def test_burst_over_2d_array_matches_single_decisions():
    arr, lens = frames(600)
    s = vnfo.Sampler(KEY, "1/4")
    dec = s.decide_burst(arr, lengths=lens)
    assert dec.dtype == S.DECISION_DTYPE and len(dec) == 600
    for i in range(600):
        one = s.decide(arr[i, :lens[i]])
        assert (bool(dec["selected"][i]), int(dec["label"][i]), int(dec["hash"][i])) == (
            one.selected, one.label, one.hash)


def test_burst_over_one_buffer_with_offsets():
    pkts = [udp4(sport=p, payload=bytes([p % 256]) * (p % 30 + 1)) for p in range(300)]
    blob = b"".join(pkts)
    offsets = np.cumsum([0] + [len(p) for p in pkts[:-1]])
    lengths = [len(p) for p in pkts]
    s = vnfo.Sampler(KEY, "1/2")
    dec = s.decide_burst(blob, offsets, lengths)
    assert list(dec["selected"].astype(bool)) == [s.decide(p).selected for p in pkts]
    dec2 = s.decide_burst(memoryview(bytearray(blob)), offsets, lengths, burst=7)
    assert np.array_equal(dec, dec2)
    out = np.zeros(400, dtype=S.DECISION_DTYPE)
    got = s.decide_burst(np.frombuffer(blob, np.uint8), offsets, lengths, out=out)
    assert np.array_equal(got, dec) and got.base is out


def test_burst_flowtags_and_bad_packets():
    s = vnfo.Sampler(KEY, "1/1", fields="nat-safe")
    arr, lens = frames(4)
    a = s.decide_burst(arr, lengths=lens, flowtags=[1, 2, 3, 4])
    b = s.decide_burst(arr, lengths=lens, flowtags=[9, 9, 9, 9])
    assert not np.array_equal(a["label"], b["label"])
    junk = np.zeros((3, 64), dtype=np.uint8)  # not IP: not selected, status says why
    d = s.decide_burst(junk)
    assert not d["selected"].any()
    assert set(d["status"]) <= {vnfo.Status.PACKET_NOT_IP, vnfo.Status.PACKET_TRUNCATED,
                                vnfo.Status.PACKET_MALFORMED, vnfo.Status.PACKET_UNSUPPORTED}


def test_burst_refuses_packets_outside_the_buffer():
    s = vnfo.Sampler(KEY)
    with pytest.raises(vnfo.LimitExceeded, match="outside the buffer"):
        s.decide_burst(b"x" * 100, [0, 90], [60, 20])
    with pytest.raises(vnfo.InvalidArgument):
        s.decide_burst(np.zeros((4, 64), dtype=np.uint16))
    with pytest.raises(vnfo.InvalidArgument, match="3 lengths for 2 packets"):
        s.decide_burst(b"x" * 100, [0, 1], [1, 2, 3])
    with pytest.raises(vnfo.InvalidArgument):
        s.decide_burst(np.zeros((4, 64), dtype=np.uint8), burst=0)


@given(ttl=st.integers(1, 255), tos=st.integers(0, 255), vlan=st.none() | st.integers(1, 4094),
       sport=st.integers(0, 65535), payload=st.binary(min_size=8, max_size=40))
def test_decisions_survive_hop_by_hop_changes(ttl, tos, vlan, sport, payload):
    s = vnfo.Sampler(KEY, "1/2")
    base = udp4(sport=sport, payload=payload)
    hop = udp4(sport=sport, payload=payload, ttl=ttl, tos=tos, vlan=vlan)
    a, b = s.decide(base), s.decide(hop)
    assert (a.selected, a.label, a.hash) == (b.selected, b.label, b.hash)
    assert s.label(base) == s.label(hop)


@given(hop_limit=st.integers(0, 255), tclass=st.integers(0, 255))
def test_ipv6_decisions_survive_hop_by_hop_changes(hop_limit, tclass):
    s = vnfo.Sampler(KEY, "1/2", fields="invariant")
    assert s.label(tcp6(hop_limit=hop_limit, tclass=tclass)) == s.label(tcp6())


def test_sampler_errors():
    with pytest.raises(vnfo.SamplerError) as info:
        vnfo.Sampler(KEY, hash="md5")
    assert info.value.status_name == "VNFO_E_SAMPLER_HASH_UNKNOWN"
    with pytest.raises(vnfo.SamplerError) as info:
        vnfo.Sampler(KEY, "3/2")
    assert info.value.status_name == "VNFO_E_SAMPLER_RATE"
    with pytest.raises(vnfo.SamplerError) as info:
        vnfo.Sampler(KEY, ranges=[(0, 10), (5, 20)])
    assert info.value.status_name == "VNFO_E_SAMPLER_RANGES"
    with pytest.raises(vnfo.InvalidArgument, match="sampling key: 3 bytes"):
        vnfo.Sampler(b"abc")
    with pytest.raises(vnfo.PacketError):
        vnfo.Sampler(KEY).label(b"\x00" * 10)


def test_key_files_and_commitment(tmp_path):
    key = S.generate_key()
    assert len(key) == S.KEY_BYTES and key != S.generate_key()
    S.save_key(key, tmp_path / "s.key")
    assert S.load_key(tmp_path / "s.key") == key
    c = S.key_commitment(key)
    assert c.startswith("blake2b:") and len(c) == 8 + 64
    assert S.key_commitment(key) == c != S.key_commitment(KEY)
    assert S.bob(b"abc", 0) == S.bob(bytearray(b"abc"))
