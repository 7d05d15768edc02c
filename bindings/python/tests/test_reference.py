import pytest

import vnfo
from vnfo.reference import Reference, Result
from pktutil import udp4


def nat(packet):
    """Rewrite the source address to 192.0.2.1 (no checksum update)."""
    out = bytearray(packet)
    out[26:30] = bytes([192, 0, 2, 1])
    return Result(packet=bytes(out), cpu_cycles=300, mem_bytes=64, state_digest=b"s" * 32)


def test_forward_with_resources_through_the_c_trampoline():
    ref = Reference(nat)
    res = ref(udp4())
    assert vnfo.Packet(res.packet).flow_key.src.packed == bytes([192, 0, 2, 1])
    assert (res.cpu_cycles, res.mem_bytes, res.state_digest) == (300, 64, b"s" * 32)
    assert ref.calls == 1 and ref.c_function is not None


def test_plain_returns_drop_and_forward():
    assert Reference(lambda p: None)(udp4()).packet is None
    assert Reference(lambda p: bytes(p))(udp4()).packet == udp4()
    assert Reference(lambda p: p.tobytes()[:20])(udp4()).packet == udp4()[:20]


def test_exceptions_become_error_verdicts_and_are_kept():
    def broken(packet):
        raise ZeroDivisionError("bug in reference")
    ref = Reference(broken)
    with pytest.raises(ZeroDivisionError):
        ref(udp4())
    assert len(ref.errors) == 1


def test_packet_view_is_read_only_and_released():
    seen = []
    def keep(packet):
        seen.append(packet)
        with pytest.raises(TypeError):
            packet[0] = 1
        return None
    Reference(keep)(udp4())
    with pytest.raises(ValueError):  # released after the call: no dangling view
        bytes(seen[0])


def test_bad_results_are_errors():
    with pytest.raises(ValueError, match="state digest"):
        Reference(lambda p: Result(packet=b"x", state_digest=b"short"))(udp4())
    with pytest.raises(TypeError):
        Reference(42)
