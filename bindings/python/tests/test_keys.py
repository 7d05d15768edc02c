import os
import pickle

import numpy as np
import pytest
from hypothesis import given, strategies as st

import vnfo

SEED = bytes(range(32))


def test_sign_verify_round_trip():
    key = vnfo.SigningKey.generate()
    sig = key.sign(b"batch")
    assert len(sig) == vnfo.keys.SIGNATURE_BYTES == 64
    key.public_key.verify(b"batch", sig)
    assert key.public_key.is_valid(b"batch", sig)
    assert not key.public_key.is_valid(b"batcH", sig)


def test_from_seed_is_deterministic():
    a, b = vnfo.SigningKey.from_seed(SEED), vnfo.SigningKey.from_seed(bytearray(SEED))
    assert a.public_key == b.public_key
    assert a.sign(b"x") == b.sign(b"x")
    assert a.public_key != vnfo.SigningKey.from_seed(bytes(32)).public_key


def test_buffer_protocol_messages_are_equivalent():
    key = vnfo.SigningKey.from_seed(SEED)
    data = bytes(range(200))
    arr = np.frombuffer(data, dtype=np.uint8)
    sig = key.sign(data)
    assert key.sign(bytearray(data)) == sig
    assert key.sign(memoryview(data)) == sig
    assert key.sign(arr) == sig
    key.public_key.verify(arr, memoryview(sig))
    # A 2-D uint32 array is signed as its raw bytes.
    words = np.arange(50, dtype=np.uint32).reshape(5, 10)
    assert key.sign(words) == key.sign(words.tobytes())


def test_bad_signature_raises_signature_error():
    key = vnfo.SigningKey.from_seed(SEED)
    sig = bytearray(key.sign(b"m"))
    sig[0] ^= 1
    with pytest.raises(vnfo.SignatureError) as info:
        key.public_key.verify(b"m", sig)
    assert info.value.status == vnfo.Status.SIGNATURE_INVALID == 221
    assert info.value.status_name == "VNFO_E_SIGNATURE_INVALID"
    assert str(key.public_key) in info.value.message


def test_wrong_signature_length_is_invalid_argument():
    key = vnfo.SigningKey.from_seed(SEED)
    with pytest.raises(vnfo.InvalidArgument, match="signature: 3 bytes, expected 64"):
        key.public_key.verify(b"m", b"abc")
    assert not key.public_key.is_valid(b"m", b"abc")


def test_public_key_text_and_bytes():
    pub = vnfo.SigningKey.from_seed(SEED).public_key
    text = str(pub)
    assert text.startswith("ed25519:") and len(text) == 52
    assert vnfo.PublicKey(text) == pub == vnfo.PublicKey(bytes(pub)) == vnfo.PublicKey(pub)
    assert pub.fingerprint.startswith("blake2b128:") and len(pub.fingerprint) == 43
    assert {pub: 1}[vnfo.PublicKey(text)] == 1
    assert pickle.loads(pickle.dumps(pub)) == pub
    assert repr(pub) == f"PublicKey({text!r})"


def test_public_key_parse_errors_name_the_problem():
    with pytest.raises(vnfo.KeyFormatError) as info:
        vnfo.PublicKey("rsa:AAAA")
    assert info.value.status_name == "VNFO_E_KEY_FORMAT"
    assert 'must start with "ed25519:"' in info.value.message
    with pytest.raises(vnfo.InvalidArgument, match="public key: 31 bytes, expected 32"):
        vnfo.PublicKey(bytes(31))


def test_key_files_round_trip(tmp_path):
    key = vnfo.SigningKey.from_seed(SEED)
    key.save(tmp_path / "k.sec")
    assert os.stat(tmp_path / "k.sec").st_mode & 0o777 == 0o600
    again = vnfo.SigningKey.load(tmp_path / "k.sec")
    assert again.public_key == key.public_key
    key.public_key.save(str(tmp_path / "k.pub"))
    assert vnfo.PublicKey.load(os.fsencode(tmp_path / "k.pub")) == key.public_key


def test_signing_key_is_not_picklable_nor_constructible():
    key = vnfo.SigningKey.from_seed(SEED)
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(key)
    with pytest.raises(TypeError):
        vnfo.SigningKey()
    assert "secret" not in repr(key) and str(key.public_key) in repr(key)


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=300))
def test_sign_verify_any_message(seed, msg):
    key = vnfo.SigningKey.from_seed(seed)
    pub = vnfo.PublicKey(str(key.public_key))  # text round trip
    pub.verify(msg, key.sign(msg))


@given(st.binary(min_size=32, max_size=32))
def test_public_key_text_round_trip(raw):
    pub = vnfo.PublicKey(raw)
    assert bytes(vnfo.PublicKey(str(pub))) == raw
