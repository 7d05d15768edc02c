"""Ed25519 signing keys and public keys (include/vnfo/key.h).

The secret key never leaves the C object: ``SigningKey`` holds only a
pointer, which the library wipes and frees when the object is collected.
Messages are any buffer-protocol object (bytes, bytearray, memoryview, numpy
arrays) and are passed to C without copying.
"""

from __future__ import annotations

import os
from typing import Union

from ._ffi import check, ffi, fspath, lib, raise_status

__all__ = ["PublicKey", "SigningKey", "PUBLIC_BYTES", "SEED_BYTES", "SIGNATURE_BYTES"]

#: Bytes in a public key, a seed and a signature (read from the library).
PUBLIC_BYTES = int(lib.vnfo_key_public_bytes())
SEED_BYTES = int(lib.vnfo_key_seed_bytes())
SIGNATURE_BYTES = int(lib.vnfo_key_signature_bytes())

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def as_bytes_view(data) -> "ffi.CData":
    """A zero-copy ``const uint8_t[]`` view of a buffer-protocol object."""
    return ffi.from_buffer("uint8_t[]", data)


class PublicKey:
    """An Ed25519 public key: immutable, hashable, picklable.

    ``str(key)`` is the text form ``"ed25519:<base64>"`` used in key files
    and manifests; ``PublicKey(text_or_32_bytes)`` builds one back.
    """

    __slots__ = ("_c",)

    def __init__(self, key: Union[str, bytes, "PublicKey"]) -> None:
        self._c = ffi.new("vnfo_public_key *")
        if isinstance(key, PublicKey):
            self._c.bytes = key._c.bytes
        elif isinstance(key, str):
            check(lib.vnfo_public_key_parse(self._c, key.encode()))
        else:
            raw = bytes(key)
            if len(raw) != PUBLIC_BYTES:
                raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                             message=f"public key: {len(raw)} bytes, expected {PUBLIC_BYTES}")
            ffi.memmove(self._c.bytes, raw, PUBLIC_BYTES)

    @classmethod
    def load(cls, path: PathLike) -> "PublicKey":
        """Read a public key file ("ed25519:<base64>\\n")."""
        key = cls.__new__(cls)
        key._c = ffi.new("vnfo_public_key *")
        check(lib.vnfo_public_key_load(key._c, fspath(path)), os.fsdecode(path))
        return key

    def save(self, path: PathLike) -> None:
        """Write a public key file (mode 0644)."""
        check(lib.vnfo_public_key_save(self._c, fspath(path)), os.fsdecode(path))

    def __bytes__(self) -> bytes:
        return bytes(ffi.buffer(self._c.bytes))

    def __str__(self) -> str:
        buf = ffi.new("char[]", lib.VNFO_KEY_PUBLIC_TEXT_SIZE)
        check(lib.vnfo_public_key_format(buf, len(buf), self._c))
        return ffi.string(buf).decode()

    def __repr__(self) -> str:
        return f"PublicKey({str(self)!r})"

    @property
    def fingerprint(self) -> str:
        """A short fingerprint for humans: ``"blake2b128:<32 hex digits>"``."""
        buf = ffi.new("char[]", lib.VNFO_KEY_FINGERPRINT_SIZE)
        check(lib.vnfo_public_key_fingerprint(buf, len(buf), self._c))
        return ffi.string(buf).decode()

    def verify(self, message, signature) -> None:
        """Verify a detached signature; raise ``vnfo.SignatureError`` if it
        does not verify.  Both arguments are buffer-protocol objects."""
        sig = as_bytes_view(signature)
        if len(sig) != SIGNATURE_BYTES:
            raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                         message=f"signature: {len(sig)} bytes, expected {SIGNATURE_BYTES}")
        msg = as_bytes_view(message)
        status = lib.vnfo_public_key_verify(self._c, msg, len(msg), sig)
        if status != 0:
            raise_status(status, message=f"signature does not verify under {self}"
                         if status == lib.VNFO_E_SIGNATURE_INVALID else None)

    def is_valid(self, message, signature) -> bool:
        """Whether ``signature`` verifies (never raises for a bad signature)."""
        sig = as_bytes_view(signature)
        if len(sig) != SIGNATURE_BYTES:
            return False
        msg = as_bytes_view(message)
        return lib.vnfo_public_key_verify(self._c, msg, len(msg), sig) == 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return bool(lib.vnfo_public_key_equal(self._c, other._c))

    def __hash__(self) -> int:
        return hash(bytes(self))

    def __reduce__(self):
        return (PublicKey, (bytes(self),))


class SigningKey:
    """An Ed25519 signing key.  The secret stays inside libvnfo, is wiped
    when the object is collected, and is never pickled or printed."""

    __slots__ = ("_c", "__weakref__")

    def __init__(self) -> None:
        raise TypeError("use SigningKey.generate(), .from_seed() or .load()")

    @classmethod
    def _wrap(cls, out) -> "SigningKey":
        key = object.__new__(cls)
        key._c = ffi.gc(out[0], lib.vnfo_signing_key_free)
        return key

    @classmethod
    def generate(cls) -> "SigningKey":
        """A new key from the system's random source."""
        out = ffi.new("vnfo_signing_key **")
        check(lib.vnfo_signing_key_generate(out))
        return cls._wrap(out)

    @classmethod
    def from_seed(cls, seed) -> "SigningKey":
        """A key derived from a 32-byte seed (reproducible simulations)."""
        view = as_bytes_view(seed)
        if len(view) != SEED_BYTES:
            raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                         message=f"seed: {len(view)} bytes, expected {SEED_BYTES}")
        out = ffi.new("vnfo_signing_key **")
        check(lib.vnfo_signing_key_from_seed(out, view))
        return cls._wrap(out)

    @classmethod
    def load(cls, path: PathLike) -> "SigningKey":
        """Read a secret key file; refused when group or others have any access to it."""
        out = ffi.new("vnfo_signing_key **")
        check(lib.vnfo_signing_key_load(out, fspath(path)), os.fsdecode(path))
        return cls._wrap(out)

    def save(self, path: PathLike) -> None:
        """Write a secret key file (mode 0600, replacing an existing file)."""
        check(lib.vnfo_signing_key_save(self._c, fspath(path)), os.fsdecode(path))

    @property
    def public_key(self) -> PublicKey:
        """The public half."""
        key = PublicKey.__new__(PublicKey)
        key._c = ffi.new("vnfo_public_key *")
        check(lib.vnfo_signing_key_public(key._c, self._c))
        return key

    def sign(self, message) -> bytes:
        """A detached Ed25519 signature of a buffer-protocol object."""
        out = ffi.new("uint8_t[]", SIGNATURE_BYTES)
        msg = as_bytes_view(message)
        check(lib.vnfo_signing_key_sign(out, self._c, msg, len(msg)))
        return bytes(ffi.buffer(out))

    def __repr__(self) -> str:
        return f"<SigningKey public={self.public_key}>"

    def __reduce__(self):
        raise TypeError("a SigningKey is not picklable: the secret stays in its process")
