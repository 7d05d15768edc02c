"""The verification manifest (include/vnfo/manifest.h, docs/manifest.md):
load and validate, digest, party signatures, and every section as Python
values (``to_dict()``).

Validation errors raise ``vnfo.ManifestError`` with ``.path``, ``.line``,
``.column`` and ``.json_path`` (e.g. ``"chain[1].node_id"``).
"""

from __future__ import annotations

import fractions
import os
from typing import Any, Dict, List, Optional, Tuple, Union

from . import errors
from ._ffi import check, ffi, fspath, lib, raise_status
from .keys import PublicKey, SigningKey

__all__ = ["Manifest", "template", "PARTIES"]

DIGEST_BYTES = int(lib.vnfo_manifest_digest_bytes())
SIGNATURE_BYTES = int(lib.vnfo_manifest_signature_bytes())
PARTIES = {"customer": lib.VNFO_MANIFEST_PARTY_CUSTOMER,
           "provider": lib.VNFO_MANIFEST_PARTY_PROVIDER}
_PARTY_NAMES = {v: k for k, v in PARTIES.items()}


def _s(p) -> Optional[str]:
    return ffi.string(p).decode() if p != ffi.NULL else None


def _party(party: Union[str, int]) -> int:
    if isinstance(party, str):
        if party not in PARTIES:
            raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                         message=f"manifest: unknown party {party!r} (customer or provider)")
        return PARTIES[party]
    return int(party)


def _check_parse(status: int, path: Optional[str]) -> None:
    """check(), with the position the manifest parser records."""
    if status == 0:
        return
    try:
        check(status, path)
    except errors.Error as err:
        line, column = lib.vnfo_manifest_error_line(), lib.vnfo_manifest_error_column()
        if line:
            err.line, err.column = int(line), int(column)
        jp = ffi.string(lib.vnfo_manifest_error_path()).decode()
        if jp:
            err.json_path = jp
        raise


def template() -> str:
    """A commented manifest that passes validation: a starting point."""
    return ffi.string(lib.vnfo_manifest_template()).decode()


class Manifest:
    """A parsed, validated, immutable manifest."""

    __slots__ = ("_c", "__weakref__")

    def __init__(self, text: Union[str, bytes], name: Optional[str] = None) -> None:
        data = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("vnfo_manifest **")
        _check_parse(lib.vnfo_manifest_parse(out, data, len(data),
                                             name.encode() if name else ffi.NULL), name)
        self._c = ffi.gc(out[0], lib.vnfo_manifest_free)

    @classmethod
    def load(cls, path) -> "Manifest":
        out = ffi.new("vnfo_manifest **")
        _check_parse(lib.vnfo_manifest_load(out, fspath(path)), os.fsdecode(path))
        m = cls.__new__(cls)
        m._c = ffi.gc(out[0], lib.vnfo_manifest_free)
        return m

    # ---- identity -----------------------------------------------------------
    @property
    def digest(self) -> bytes:
        """BLAKE2b-256 of the canonical encoding (what logs and signatures name)."""
        out = ffi.new("uint8_t[]", DIGEST_BYTES)
        check(lib.vnfo_manifest_digest_compute(out, self._c))
        return bytes(ffi.buffer(out))

    @property
    def id(self) -> str:
        return _s(lib.vnfo_manifest_id(self._c))

    @property
    def version(self) -> int:
        return int(lib.vnfo_manifest_version(self._c))

    def party(self, party: Union[str, int]) -> Tuple[str, PublicKey]:
        """(name, public key) of the customer or the provider."""
        p = _party(party)
        key = PublicKey.__new__(PublicKey)
        key._c = ffi.new("vnfo_public_key *")
        check(lib.vnfo_manifest_party_key(key._c, self._c, p))
        return _s(lib.vnfo_manifest_party_name(self._c, p)), key

    # ---- chain --------------------------------------------------------------
    @property
    def chain(self) -> List[Dict[str, Any]]:
        """The chain, in order: name, function, node_id, may_modify,
        may_drop, public_key."""
        entries = []
        for i in range(lib.vnfo_manifest_chain_count(self._c)):
            key = PublicKey.__new__(PublicKey)
            key._c = ffi.new("vnfo_public_key *")
            check(lib.vnfo_manifest_chain_public_key(key._c, self._c, i))
            entries.append({
                "name": _s(lib.vnfo_manifest_chain_name(self._c, i)),
                "function": _s(lib.vnfo_manifest_chain_function(self._c, i)),
                "node_id": int(lib.vnfo_manifest_chain_node_id(self._c, i)),
                "may_modify": _s(lib.vnfo_manifest_modify_name(
                    lib.vnfo_manifest_chain_may_modify(self._c, i))),
                "may_drop": bool(lib.vnfo_manifest_chain_may_drop(self._c, i)),
                "public_key": key})
        return entries

    def chain_index(self, name: str) -> int:
        out = ffi.new("size_t *")
        status = lib.vnfo_manifest_chain_find(out, self._c, name.encode())
        if status:
            raise_status(status, message=f"manifest {self.id}: no chain entry named {name!r}")
        return int(out[0])

    def _scope(self, index: int) -> str:
        if index == ffi.cast("size_t", -1):
            return "chain"
        return _s(lib.vnfo_manifest_chain_name(self._c, index))

    # ---- sections -----------------------------------------------------------
    @property
    def sampling(self) -> Dict[str, Any]:
        c = self._c
        rate = lib.vnfo_manifest_sampling_rate(c)
        lo, hi = ffi.new("uint64_t *"), ffi.new("uint64_t *")
        ranges = []
        for i in range(lib.vnfo_manifest_sampling_range_count(c)):
            check(lib.vnfo_manifest_sampling_range(lo, hi, c, i))
            ranges.append((int(lo[0]), int(hi[0])))
        commitment = ffi.new("uint8_t[]", lib.VNFO_MANIFEST_COMMITMENT_BYTES)
        check(lib.vnfo_manifest_sampling_key_commitment(commitment, c))
        return {
            "hash": _s(lib.vnfo_manifest_hash_name(lib.vnfo_manifest_sampling_hash(c))),
            "hash_bits": int(lib.vnfo_manifest_sampling_hash_bits(c)),
            "key_id": _s(lib.vnfo_manifest_sampling_key_id(c)),
            "key_commitment": bytes(ffi.buffer(commitment)),
            "rate": fractions.Fraction(int(rate.num), int(rate.den) or 2**64),
            "ranges": ranges,
            "fields": _s(lib.vnfo_manifest_fields_name(lib.vnfo_manifest_sampling_fields(c))),
            "custom_fields": [_s(lib.vnfo_manifest_field_name(
                lib.vnfo_manifest_sampling_custom_field(c, i)))
                for i in range(lib.vnfo_manifest_sampling_custom_field_count(c))],
            "payload_bytes": int(lib.vnfo_manifest_sampling_payload_bytes(c)),
            "payload_offset": int(lib.vnfo_manifest_sampling_payload_offset(c)),
            "epoch_seconds": int(lib.vnfo_manifest_sampling_epoch_seconds(c)),
        }

    @property
    def logging(self) -> Dict[str, Any]:
        c = self._c
        return {"granularity": _s(lib.vnfo_manifest_granularity_name(
                    lib.vnfo_manifest_logging_granularity(c))),
                "batch_records": int(lib.vnfo_manifest_logging_batch_records(c)),
                "tree_hash": _s(lib.vnfo_manifest_tree_hash_name(
                    lib.vnfo_manifest_logging_tree_hash(c))),
                # None: no heartbeats required (the 0.1.0 rules)
                "heartbeat_ms": int(lib.vnfo_manifest_logging_heartbeat_ms(c)) or None}

    @property
    def flowtags(self) -> Optional[Dict[str, Any]]:
        c = self._c
        if not lib.vnfo_manifest_has_flowtags(c):
            return None
        return {"carrier": _s(lib.vnfo_manifest_carrier_name(lib.vnfo_manifest_flowtags_carrier(c))),
                "bits": int(lib.vnfo_manifest_flowtags_bits(c))}

    @property
    def sla(self) -> List[Dict[str, Any]]:
        c = self._c
        return [{"metric": _s(lib.vnfo_manifest_metric_name(lib.vnfo_manifest_sla_metric(c, i))),
                 "scope": self._scope(lib.vnfo_manifest_sla_scope_index(c, i)),
                 "statistic": _s(lib.vnfo_manifest_statistic_name(
                     lib.vnfo_manifest_sla_statistic(c, i))),
                 "slack_us": int(lib.vnfo_manifest_sla_slack_us(c, i)),
                 "slack_ratio": float(lib.vnfo_manifest_sla_slack_ratio(c, i))}
                for i in range(lib.vnfo_manifest_sla_count(c))]

    @property
    def billing(self) -> Dict[str, Any]:
        c = self._c
        return {"start": int(lib.vnfo_manifest_billing_start(c)),
                "end": int(lib.vnfo_manifest_billing_end(c)),
                "resources": [{"resource": _s(lib.vnfo_manifest_billing_resource_name(c, i)),
                               "summary": _s(lib.vnfo_manifest_summary_name(
                                   lib.vnfo_manifest_billing_summary(c, i))),
                               "scope": self._scope(lib.vnfo_manifest_billing_scope_index(c, i)),
                               # Bernstein's M; None when the manifest has none
                               "max_per_packet": int(lib.vnfo_manifest_billing_max_per_packet(c, i))
                               or None}
                              for i in range(lib.vnfo_manifest_billing_count(c))]}

    @property
    def verification(self) -> Dict[str, Any]:
        c = self._c
        return {"confidence": float(lib.vnfo_manifest_verification_confidence(c)),
                "clock_skew_us": int(lib.vnfo_manifest_verification_clock_skew_us(c)),
                "minimality": [{"resource": _s(lib.vnfo_manifest_minimality_resource_name(c, i)),
                                "relative": float(lib.vnfo_manifest_minimality_relative(c, i)),
                                "absolute": float(lib.vnfo_manifest_minimality_absolute(c, i))}
                               for i in range(lib.vnfo_manifest_minimality_count(c))]}

    def to_dict(self) -> Dict[str, Any]:
        """Every section as plain Python values (keys as text, digests as hex)."""
        def plain(v):
            if isinstance(v, PublicKey):
                return str(v)
            if isinstance(v, bytes):
                return v.hex()
            if isinstance(v, fractions.Fraction):
                return f"{v.numerator}/{v.denominator}"
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            return v
        parties = {p: {"name": self.party(p)[0], "public_key": str(self.party(p)[1])}
                   for p in PARTIES}
        return plain({"id": self.id, "version": self.version, "digest": self.digest,
                      "parties": parties, "chain": self.chain, "sampling": self.sampling,
                      "logging": self.logging, "flowtags": self.flowtags, "sla": self.sla,
                      "billing": self.billing, "verification": self.verification})

    def sampler(self, key, epoch: int = 0):
        """The ``vnfo.Sampler`` the shims run under this manifest (hash,
        field set, rate or ranges), for ``key``, which must match the
        manifest's commitment (else ``vnfo.ManifestError``)."""
        from .sampler import Sampler, _key_view
        opts = ffi.new("vnfo_sampler_options *")
        check(lib.vnfo_sampler_options_init(opts, lib.VNFO_SAMPLER_OPTIONS_VERSION))
        view = _key_view(key)
        check(lib.vnfo_manifest_sampler_options(opts, self._c, view, len(view)))
        opts.epoch = epoch
        return Sampler._from_options(opts, view, self.sampling["hash"], self.sampling["fields"])

    def epoch_at(self, unix_seconds: int) -> int:
        """The sampling key epoch in force at a time."""
        out = ffi.new("uint64_t *")
        check(lib.vnfo_manifest_sampling_epoch_at(out, self._c, unix_seconds))
        return int(out[0])

    # ---- signatures ---------------------------------------------------------
    def sign(self, party: Union[str, int], key: SigningKey) -> bytes:
        """A party's detached signature of the manifest digest."""
        out = ffi.new("uint8_t[]", SIGNATURE_BYTES)
        check(lib.vnfo_manifest_sign(out, self._c, _party(party), key._c))
        return bytes(ffi.buffer(out))

    def verify_signature(self, party: Union[str, int], signature) -> None:
        """Raise ``vnfo.SignatureError`` unless the party signed this manifest."""
        sig = ffi.from_buffer("uint8_t[]", signature)
        if len(sig) != SIGNATURE_BYTES:
            raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                         message=f"signature: {len(sig)} bytes, expected {SIGNATURE_BYTES}")
        check(lib.vnfo_manifest_signature_verify(self._c, _party(party), sig))

    def signature_text(self, party: Union[str, int], signature) -> str:
        """The signature file text (docs/manifest.md, "Signature files")."""
        sig = ffi.from_buffer("uint8_t[]", signature)
        out = ffi.new("char[]", lib.VNFO_MANIFEST_SIGNATURE_TEXT_SIZE)
        check(lib.vnfo_manifest_signature_format(out, len(out), self._c, _party(party), sig))
        return ffi.string(out).decode()

    def parse_signature(self, text: str, name: Optional[str] = None) -> Tuple[str, bytes]:
        """(party, signature) of a signature file's text; checks it names this
        manifest, does not verify the signature."""
        data = text.encode()
        sig, party = ffi.new("uint8_t[]", SIGNATURE_BYTES), ffi.new("vnfo_manifest_party *")
        check(lib.vnfo_manifest_signature_parse(sig, party, self._c, data, len(data),
                                                name.encode() if name else ffi.NULL), name)
        return _PARTY_NAMES[party[0]], bytes(ffi.buffer(sig))

    def save_signature(self, party: Union[str, int], key: SigningKey, path) -> None:
        check(lib.vnfo_manifest_signature_save(self._c, _party(party), key._c, fspath(path)),
              os.fsdecode(path))

    def load_signature(self, path) -> str:
        """Read and verify a signature file; returns the party that signed."""
        party = ffi.new("vnfo_manifest_party *")
        check(lib.vnfo_manifest_signature_load(party, self._c, fspath(path)), os.fsdecode(path))
        return _PARTY_NAMES[party[0]]

    def __repr__(self) -> str:
        return f"<Manifest {self.id!r} digest {self.digest.hex()[:16]}...>"
