"""Every exception class is raised by a real failure, and carries the C
status, its name and the library's message."""

import os
import pickle

import pytest

import vnfo
from vnfo import _ffi, errors
from vnfo.testing import failing_allocations

SEED = bytes(range(32))


def trigger_invalid_argument(tmp_path):
    vnfo.SigningKey.from_seed(b"short")


def trigger_struct_version(tmp_path):
    bad = _ffi.ffi.new("vnfo_allocator *", {"version": 99})
    _ffi.check(_ffi.lib.vnfo_allocator_set(bad))


def trigger_no_memory(tmp_path):
    with failing_allocations(0):
        vnfo.SigningKey.from_seed(SEED)


def trigger_buffer_too_small(tmp_path):
    pub = vnfo.SigningKey.from_seed(SEED).public_key
    buf = _ffi.ffi.new("char[]", 10)
    _ffi.check(_ffi.lib.vnfo_public_key_format(buf, 10, pub._c))


def trigger_file_error(tmp_path):
    vnfo.PublicKey.load(tmp_path)  # a directory


def trigger_not_found(tmp_path):
    vnfo.SigningKey.load(tmp_path / "missing.sec")


def trigger_key_permissions(tmp_path):
    path = tmp_path / "k.sec"
    vnfo.SigningKey.from_seed(SEED).save(path)
    os.chmod(path, 0o644)
    vnfo.SigningKey.load(path)


def trigger_key_format(tmp_path):
    path = tmp_path / "k.pub"
    path.write_text("ed25519:not-base64\n")
    vnfo.PublicKey.load(path)


def trigger_limit_exceeded(tmp_path):
    path = tmp_path / "big.pub"
    path.write_bytes(b"x" * 100000)
    vnfo.PublicKey.load(path)


def trigger_signature(tmp_path):
    key = vnfo.SigningKey.from_seed(SEED)
    key.public_key.verify(b"a", key.sign(b"b"))


def trigger_packet(tmp_path):
    from pktutil import arp
    vnfo.Packet(arp())


def trigger_record(tmp_path):
    vnfo.record.decode(b"\x93\x01\x01")


def trigger_unsupported_version(tmp_path):
    data = bytearray(vnfo.record.encode(vnfo.LossNotice()))
    data[1] = 9
    vnfo.record.decode(bytes(data))


def trigger_bill(tmp_path):
    vnfo.Bill('{"vnfo_bill": 1, "manifest_id": 3}', name="b.json")


def _log_bytes(n=4):
    batches = []
    with vnfo.LogWriter(vnfo.SigningKey.from_seed(SEED), 1, batches.append,
                        batch_records=n) as w:
        for i in range(n):
            w.append(vnfo.PacketRecord(label=i))
    return batches[0]


def trigger_log_format(tmp_path):
    import struct
    batch = _log_bytes()
    reader = vnfo.LogReader(vnfo.SigningKey.from_seed(SEED).public_key)
    reader.add_buffer(struct.pack(">I", len(batch)) + batch[:-5], "cut.log")
    reader.raise_for_faults()


def trigger_log_integrity(tmp_path):
    batch = _log_bytes()
    vnfo.log.Proof(batch, 0).check(vnfo.SigningKey.from_seed(SEED).public_key,
                                    vnfo.log.batch_record(batch, 1))


def trigger_log_sink(tmp_path):
    def sink(batch):
        raise OSError("disk full")
    w = vnfo.LogWriter(vnfo.SigningKey.from_seed(SEED), 1, sink, batch_records=1)
    w.append(vnfo.PacketRecord())


def trigger_manifest(tmp_path):
    vnfo.Manifest('{"vnfo_manifest": 1,', name="cut.json")


def trigger_account(tmp_path):
    vnfo.account.delay(9, 5)


def trigger_overflow(tmp_path):
    vnfo.account.parse_value("18446744073709551616")


def trigger_flowtag(tmp_path):
    vnfo.FlowTagTable().consume(12345)


def trigger_verification(tmp_path):
    vnfo.Verifier(vnfo.Manifest(vnfo.manifest.template())).run()


def trigger_sampler(tmp_path):
    vnfo.Sampler(SEED, hash="md5")


# class -> (trigger, expected status name)
TRIGGERS = {
    errors.InvalidArgument: (trigger_invalid_argument, "VNFO_E_INVALID_ARGUMENT"),
    errors.StructVersionError: (trigger_struct_version, "VNFO_E_STRUCT_VERSION"),
    errors.NoMemory: (trigger_no_memory, "VNFO_E_NO_MEMORY"),
    errors.BufferTooSmall: (trigger_buffer_too_small, "VNFO_E_BUFFER_TOO_SMALL"),
    errors.FileError: (trigger_file_error, "VNFO_E_NOT_REGULAR_FILE"),
    errors.NotFound: (trigger_not_found, "VNFO_E_NOT_FOUND"),
    errors.KeyPermissionsError: (trigger_key_permissions, "VNFO_E_KEY_PERMISSIONS"),
    errors.KeyFormatError: (trigger_key_format, "VNFO_E_KEY_FORMAT"),
    errors.LimitExceeded: (trigger_limit_exceeded, "VNFO_E_LIMIT_EXCEEDED"),
    errors.SignatureError: (trigger_signature, "VNFO_E_SIGNATURE_INVALID"),
    errors.PacketError: (trigger_packet, "VNFO_E_PACKET_NOT_IP"),
    errors.RecordError: (trigger_record, "VNFO_E_RECORD_MALFORMED"),
    errors.UnsupportedVersion: (trigger_unsupported_version, "VNFO_E_UNSUPPORTED_VERSION"),
    errors.BillError: (trigger_bill, "VNFO_E_BILL_FORMAT"),
    errors.LogFormatError: (trigger_log_format, "VNFO_E_LOG_TRUNCATED"),
    errors.LogIntegrityError: (trigger_log_integrity, "VNFO_E_LOG_PROOF_INVALID"),
    errors.LogError: (trigger_log_sink, "VNFO_E_LOG_SINK"),
    errors.ManifestError: (trigger_manifest, "VNFO_E_MANIFEST_SYNTAX"),
    errors.AccountError: (trigger_account, "VNFO_E_ACCOUNT_VALUE"),
    errors.FlowTagError: (trigger_flowtag, "VNFO_E_FLOWTAG_UNKNOWN"),
    errors.SamplerError: (trigger_sampler, "VNFO_E_SAMPLER_HASH_UNKNOWN"),
    errors.VerificationError: (trigger_verification, "VNFO_E_VERIFY_MISSING_LOG"),
    errors.ArithmeticOverflow: (trigger_overflow, "VNFO_E_OVERFLOW"),
}

# Classes no real failure can provoke from Python: the two bases (no code
# maps to them directly), libsodium failing to start or sign (VNFO_E_CRYPTO),
# and VNFO_E_NOT_INITIALIZED (vnfo_init() runs at import).
NOT_TRIGGERABLE = {errors.Error, errors.FormatError, errors.CryptoError, errors.NotInitialized}


@pytest.mark.parametrize("cls", list(TRIGGERS), ids=lambda c: c.__name__)
def test_each_class_is_raised_by_a_real_failure(tmp_path, cls):
    trigger, name = TRIGGERS[cls]
    with pytest.raises(cls) as info:
        trigger(tmp_path)
    err = info.value
    assert type(err) is cls
    assert err.status_name == name == _ffi.status_name(err.status)
    assert err.status == getattr(_ffi.lib, name)
    assert err.message and name in str(err)


def test_every_class_is_triggered_or_listed():
    classes = {getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)}
    assert classes == set(TRIGGERS) | NOT_TRIGGERABLE


def test_messages_name_the_place(tmp_path):
    with pytest.raises(vnfo.NotFound) as info:
        trigger_not_found(tmp_path)
    assert info.value.path == str(tmp_path / "missing.sec")
    assert info.value.message == f"{tmp_path / 'missing.sec'}: No such file or directory"
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(vnfo.KeyPermissionsError) as info:
        trigger_key_permissions(tmp_path)
    assert isinstance(info.value, PermissionError)
    assert str(tmp_path / "k.sec") in info.value.message


def test_allocation_failure_leaves_library_usable(tmp_path):
    for after in range(3):
        try:
            with failing_allocations(after):
                vnfo.SigningKey.from_seed(SEED).sign(b"x")
        except vnfo.NoMemory:
            pass
    assert vnfo.SigningKey.from_seed(SEED).public_key


def test_every_library_status_maps_to_a_specific_class():
    for status in _ffi.Status:
        if status == 0:
            continue
        cls = errors.error_class(status, _ffi.status_name(status))
        assert cls is not errors.Error, _ffi.status_name(status)


def test_block_fallback_for_codes_of_newer_libraries():
    assert errors.error_class(59, "VNFO_E_SOMETHING_NEW") is errors.SamplerError
    assert errors.error_class(120, "") is errors.ManifestError
    assert errors.error_class(5000, "") is errors.Error


def test_position_parsed_from_message():
    err = errors.ManifestError(111, "m.json:14:9: chain[1].node_id: duplicate",
                               status_name="VNFO_E_X")
    assert (err.path, err.line, err.column) == ("m.json", 14, 9)


def test_errors_pickle_with_their_fields(tmp_path):
    with pytest.raises(vnfo.NotFound) as info:
        trigger_not_found(tmp_path)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is vnfo.NotFound
    assert (again.status, again.status_name, again.message, again.path) == (
        info.value.status, info.value.status_name, info.value.message, info.value.path)
