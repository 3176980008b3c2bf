#!/usr/bin/env python3
"""A second, independent implementation of the mpyseal sealed image (format version 1).

Written from docs/sealed-format.md alone (section numbers below refer to that document), with the Python
`cryptography` package, to show that the document is enough to read and write images that the C++
implementation (src/seal) accepts, and the other way round. tests/seal/reference_image_test.py drives it
against the mpyseal binary.

    reference_image.py open IMAGE --trust PUB.pem [--trust ...] [--key KEY ...] [--min-counter N] -o DIR
    reference_image.py verify IMAGE --trust PUB.pem [--trust ...] [--min-counter N]
    reference_image.py inspect IMAGE            # strict parse only (step 1 of §8), prints the header as JSON
    reference_image.py seal DIR -o IMAGE --sign KEY.pem [--to R ...] [--counter N] [--name NAME]
                       [--no-encrypt]

Every rejection raises SealError; the command line prints it and exits with status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import struct
import sys
from dataclasses import dataclass, field

try:
    from cryptography.exceptions import InvalidSignature, InvalidTag
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError as exc:  # pragma: no cover - reported by the CTest driver as well
    sys.stderr.write(f"reference_image.py: the Python 'cryptography' package is required ({exc})\n")
    sys.exit(2)


class SealError(Exception):
    """The image (or a key, or an input) is not acceptable."""


# --- constants (§3, §4, §6, §7, §9, §10) -----------------------------------------------------------------

MAGIC = b"MPYSEAL\x00"
FORMAT_VERSION = 1
FIXED_HEADER = 72
MAX_PAYLOAD = 0x10000000  # 256 MiB (§3.1, §9)

PAYLOAD_NONE = 0
PAYLOAD_AES256GCM = 1

SIG_ES256 = 1
SIG_RS256 = 2

KIND_PRODUCT_KEY = 1
KIND_ECIES_P256 = 2
KIND_RSA_OAEP = 3
RECORD_PREFIX = 36
BODY_LENGTHS = {KIND_PRODUCT_KEY: (60,), KIND_ECIES_P256: (113,), KIND_RSA_OAEP: (256, 384, 512)}
MAX_RECIPIENTS = 16

ENTRY_MODULE = 1
ENTRY_DATA = 2
MAX_ENTRIES = 4096
MIN_ENTRY_TABLE = 4 + 8 + 1  # N, one entry header, a 1-byte path, no data (§6)
MAX_PATH = 255
MAX_NAME = 64

WRAP_AAD_LABEL = b"mpyseal wrap v1"
ECIES_INFO = b"mpyseal ecies v1"
PRODUCT_KEY_ID_LABEL = b"mpyseal product key id v1"
PRODUCT_KEY_PREFIX = b"mpyseal-product-key-v1:"

KIND_NAMES = {
    KIND_PRODUCT_KEY: "product-key",
    KIND_ECIES_P256: "ecies-p256",
    KIND_RSA_OAEP: "rsa-oaep-sha256",
}
SIG_NAMES = {SIG_ES256: "ES256", SIG_RS256: "RS256"}
PAYLOAD_NAMES = {PAYLOAD_NONE: "none", PAYLOAD_AES256GCM: "AES-256-GCM"}


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- keys (§4, §7, §10) ---------------------------------------------------------------------------------


def spki_der(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def spki_key_id(public_key) -> bytes:
    """Signer key id (§3.1) and ECIES / RSA recipient key id (§4): SHA-256 of the SPKI DER."""
    return sha256(spki_der(public_key))


def point65(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """X₆₅ of §4: the uncompressed SEC 1 point 04 ‖ x ‖ y."""
    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass(frozen=True)
class ProductKey:
    key: bytes  # 32 bytes

    @property
    def key_id(self) -> bytes:
        return sha256(PRODUCT_KEY_ID_LABEL + self.key)


def parse_product_key_file(data: bytes) -> ProductKey:
    """§10: 'mpyseal-product-key-v1:', 64 hex digits (either case), an optional final \\n or \\r\\n and
    nothing else."""
    if not data.startswith(PRODUCT_KEY_PREFIX):
        raise SealError("not a product key file")
    rest = data[len(PRODUCT_KEY_PREFIX) :]
    if rest.endswith(b"\r\n"):
        rest = rest[:-2]
    elif rest.endswith(b"\n"):
        rest = rest[:-1]
    if not re.fullmatch(rb"[0-9A-Fa-f]{64}", rest):
        raise SealError("product key file: expected 64 hex digits after the prefix and nothing else")
    return ProductKey(bytes.fromhex(rest.decode("ascii")))


def format_product_key_file(key: ProductKey) -> bytes:
    return PRODUCT_KEY_PREFIX + key.key.hex().encode("ascii") + b"\n"


def _pem_label(data: bytes) -> str | None:
    m = re.match(rb"\s*-----BEGIN ([A-Z0-9 ]+)-----", data)
    return m.group(1).decode("ascii") if m else None


def load_public_pem(data: bytes, what: str):
    """§10: asymmetric public keys are PEM SubjectPublicKeyInfo ('PUBLIC KEY')."""
    if _pem_label(data) != "PUBLIC KEY":
        raise SealError(f"{what}: expected a PEM 'PUBLIC KEY' (SubjectPublicKeyInfo)")
    try:
        return serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise SealError(f"{what}: cannot read the public key: {exc}") from None


def load_private_pem(data: bytes, what: str):
    """§10: asymmetric private keys are PEM PKCS#8 ('PRIVATE KEY')."""
    if _pem_label(data) != "PRIVATE KEY":
        raise SealError(f"{what}: expected a PEM PKCS#8 'PRIVATE KEY'")
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SealError(f"{what}: cannot read the private key: {exc}") from None


def is_p256(key) -> bool:
    return isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)) and isinstance(
        key.curve, ec.SECP256R1
    )


def is_rsa(key, sizes) -> bool:
    return isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)) and key.key_size in sizes


def load_device_key(data: bytes, what: str = "device key"):
    """A key for opening (§4): a product key file, or an EC P-256 / RSA private key (PEM PKCS#8)."""
    if data.startswith(PRODUCT_KEY_PREFIX):
        return parse_product_key_file(data)
    key = load_private_pem(data, what)
    if not (is_p256(key) or is_rsa(key, (2048, 3072, 4096))):
        raise SealError(f"{what}: a device key is EC P-256 or RSA 2048/3072/4096 (§4)")
    return key


def load_recipient(data: bytes, what: str = "recipient"):
    """A recipient for sealing (§4): a product key file, or an EC P-256 / RSA public key (PEM SPKI)."""
    if data.startswith(PRODUCT_KEY_PREFIX):
        return parse_product_key_file(data)
    key = load_public_pem(data, what)
    if not (is_p256(key) or is_rsa(key, (2048, 3072, 4096))):
        raise SealError(f"{what}: a recipient key is EC P-256 or RSA 2048/3072/4096 (§4)")
    return key


def load_signer(data: bytes, what: str = "signer key"):
    """§7: the signer is EC P-256 (ES256) or RSA 2048/3072 (RS256)."""
    key = load_private_pem(data, what)
    if not (is_p256(key) or is_rsa(key, (2048, 3072))):
        raise SealError(f"{what}: a signer key is EC P-256 or RSA 2048/3072 (§7)")
    return key


def load_trusted(data: bytes, what: str = "trusted key"):
    return load_public_pem(data, what)


def recipient_kind(recipient) -> int:
    if isinstance(recipient, ProductKey):
        return KIND_PRODUCT_KEY
    if is_p256(recipient):
        return KIND_ECIES_P256
    if isinstance(recipient, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return KIND_RSA_OAEP
    raise SealError("unsupported recipient key")


def recipient_key_id(recipient) -> bytes:
    if isinstance(recipient, ProductKey):
        return recipient.key_id
    public = recipient.public_key() if hasattr(recipient, "private_numbers") else recipient
    return spki_key_id(public)


# --- parsed structures ----------------------------------------------------------------------------------


@dataclass
class Recipient:
    kind: int
    key_id: bytes
    body: bytes
    prefix: bytes  # RP: kind ‖ reserved ‖ L ‖ key id (§3.3)


@dataclass
class Image:
    raw: bytes
    header_len: int
    payload_len: int
    counter: int
    payload_alg: int
    sig_alg: int
    name: str
    signer_key_id: bytes
    nonce: bytes
    recipients: list[Recipient] = field(default_factory=list)
    signature: bytes = b""

    @property
    def header(self) -> bytes:
        return self.raw[: self.header_len]

    @property
    def payload(self) -> bytes:
        return self.raw[self.header_len : self.header_len + self.payload_len]

    @property
    def signed_region(self) -> bytes:
        return self.raw[: self.header_len + self.payload_len]

    def describe(self) -> dict:
        return {
            "format": FORMAT_VERSION,
            "name": self.name,
            "counter": self.counter,
            "payload_algorithm": PAYLOAD_NAMES[self.payload_alg],
            "signature_algorithm": SIG_NAMES[self.sig_alg],
            "header_length": self.header_len,
            "payload_length": self.payload_len,
            "signature_length": len(self.signature),
            "signer_key_id": self.signer_key_id.hex(),
            "recipients": [{"kind": KIND_NAMES[r.kind], "key_id": r.key_id.hex()} for r in self.recipients],
        }


@dataclass
class Entry:
    kind: int
    path: str
    data: bytes


# --- §8 step 1: strict parse ----------------------------------------------------------------------------


def _printable(data: bytes) -> bool:
    return all(0x20 <= b <= 0x7E for b in data)


def check_der_ecdsa(sig: bytes) -> None:
    """§7: ES256 signatures are a strict-DER Ecdsa-Sig-Value, SEQUENCE { INTEGER r, INTEGER s } (RFC 3279)."""

    def integer(buf: bytes, pos: int) -> int:
        if pos + 2 > len(buf) or buf[pos] != 0x02:
            raise SealError("ES256 signature: expected a DER INTEGER")
        length = buf[pos + 1]
        if length == 0 or length >= 0x80 or pos + 2 + length > len(buf):
            raise SealError("ES256 signature: bad INTEGER length")
        value = buf[pos + 2 : pos + 2 + length]
        if value[0] & 0x80:
            raise SealError("ES256 signature: negative INTEGER")
        if length > 1 and value[0] == 0 and not value[1] & 0x80:
            raise SealError("ES256 signature: INTEGER not minimally encoded")
        if length > 33:
            raise SealError("ES256 signature: INTEGER too long for P-256")
        return pos + 2 + length

    if len(sig) < 2 or sig[0] != 0x30 or sig[1] >= 0x80 or sig[1] != len(sig) - 2:
        raise SealError("ES256 signature: not a DER SEQUENCE spanning the signature")
    pos = integer(sig, 2)
    pos = integer(sig, pos)
    if pos != len(sig):
        raise SealError("ES256 signature: bytes after the second INTEGER")


def parse_image(raw: bytes) -> Image:
    """Step 1 of §8: every rule of §3, §4 (lengths) and §7 (signature length); no keys needed."""
    if len(raw) < FIXED_HEADER:
        raise SealError("truncated: shorter than the 72-byte fixed header")
    if raw[0:8] != MAGIC:
        raise SealError("bad magic")
    version, header_len, payload_len, counter = struct.unpack_from("<HHII", raw, 8)
    if version != FORMAT_VERSION:
        raise SealError(f"unsupported format version {version}")
    payload_alg, sig_alg, rcount, name_len = raw[20], raw[21], raw[22], raw[23]
    signer_key_id = raw[24:56]
    nonce = raw[56:68]
    reserved = raw[68:72]
    if payload_len > MAX_PAYLOAD:
        raise SealError("payload length above 256 MiB")
    if payload_alg not in (PAYLOAD_NONE, PAYLOAD_AES256GCM):
        raise SealError(f"unknown payload algorithm {payload_alg}")
    if sig_alg not in (SIG_ES256, SIG_RS256):
        raise SealError(f"unknown signature algorithm {sig_alg}")
    if payload_alg == PAYLOAD_NONE:
        if rcount != 0:
            raise SealError("a signed-only image has no recipients")
        if nonce != bytes(12):
            raise SealError("a signed-only image must have an all-zero payload nonce")
    elif not 1 <= rcount <= MAX_RECIPIENTS:
        raise SealError("an encrypted image has 1..16 recipients")
    # §9 only says "for algorithm 1 at least 16 + 4" and gives no minimum for algorithm 0. mpyseal refuses
    # in step 1 (so `verify` refuses too) any payload shorter than the smallest entry table of §6
    # (count 4 + entry header 8 + a 1-byte path = 13 bytes), plus the 16-byte tag for algorithm 1.
    # Matched here so that both implementations' `verify` agree; reported as a gap in §9.
    min_payload = MIN_ENTRY_TABLE + (16 if payload_alg == PAYLOAD_AES256GCM else 0)
    if payload_len < min_payload:
        raise SealError(
            f"payload length {payload_len} is shorter than the smallest entry table ({min_payload})"
        )
    if not 1 <= name_len <= MAX_NAME:
        raise SealError("image name length must be 1..64")
    if reserved != bytes(4):
        raise SealError("reserved header bytes are not zero")

    pos = FIXED_HEADER
    if pos + name_len > len(raw):
        raise SealError("truncated image name")
    name = raw[pos : pos + name_len]
    if not _printable(name):
        raise SealError("image name is not printable ASCII")
    pos += name_len

    recipients: list[Recipient] = []
    seen = set()
    for _ in range(rcount):
        if pos + RECORD_PREFIX > len(raw):
            raise SealError("truncated recipient record")
        kind, rreserved, body_len = struct.unpack_from("<BBH", raw, pos)
        if kind not in BODY_LENGTHS:
            raise SealError(f"unknown recipient kind {kind}")
        if rreserved != 0:
            raise SealError("reserved recipient byte is not zero")
        if body_len not in BODY_LENGTHS[kind]:
            raise SealError(f"recipient kind {kind}: body length {body_len} not allowed")
        prefix = raw[pos : pos + RECORD_PREFIX]
        key_id = raw[pos + 4 : pos + RECORD_PREFIX]
        if (kind, key_id) in seen:
            raise SealError("two recipient records with the same kind and key id")
        if recipients and (kind, key_id) < (recipients[-1].kind, recipients[-1].key_id):
            raise SealError("recipient records out of order (§3.3: ascending kind, key id)")
        seen.add((kind, key_id))
        pos += RECORD_PREFIX
        if pos + body_len > len(raw):
            raise SealError("truncated recipient body")
        recipients.append(Recipient(kind, key_id, raw[pos : pos + body_len], prefix))
        pos += body_len

    if header_len != pos:  # H = 72 + n + Σ (36 + Lᵢ)
        raise SealError(f"header length {header_len} does not match the fields ({pos})")
    if header_len + payload_len + 2 > len(raw):
        raise SealError("truncated payload or signature length")
    (sig_len,) = struct.unpack_from("<H", raw, header_len + payload_len)
    if sig_alg == SIG_ES256 and not 8 <= sig_len <= 72:
        raise SealError(f"ES256 signature length {sig_len} outside 8..72")
    if sig_alg == SIG_RS256 and sig_len not in (256, 384):
        raise SealError(f"RS256 signature length {sig_len} is not 256 or 384")
    end = header_len + payload_len + 2 + sig_len
    if len(raw) < end:
        raise SealError("truncated signature")
    if len(raw) > end:
        raise SealError("bytes after the signature")
    signature = raw[header_len + payload_len + 2 : end]
    return Image(
        raw=raw,
        header_len=header_len,
        payload_len=payload_len,
        counter=counter,
        payload_alg=payload_alg,
        sig_alg=sig_alg,
        name=name.decode("ascii"),
        signer_key_id=signer_key_id,
        nonce=nonce,
        recipients=recipients,
        signature=signature,
    )


# --- §8 steps 2 and 3: counter and signature ------------------------------------------------------------


def check_counter(image: Image, min_counter: int) -> None:
    if image.counter < min_counter:
        raise SealError(f"security counter {image.counter} is below the minimum {min_counter}")


def verify_signature(image: Image, trusted: list) -> None:
    by_id = {spki_key_id(k): k for k in trusted}
    key = by_id.get(image.signer_key_id)
    if key is None:
        raise SealError("signer not trusted (unknown signer key id)")
    data = image.signed_region
    try:
        if image.sig_alg == SIG_ES256:
            if not is_p256(key):
                raise SealError("ES256 image, but the trusted key is not EC P-256")
            check_der_ecdsa(image.signature)
            key.verify(image.signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            if not is_rsa(key, (2048, 3072)):
                raise SealError("RS256 image, but the trusted key is not RSA 2048/3072")
            if len(image.signature) != key.key_size // 8:
                raise SealError("RS256 signature length is not the signer's modulus size")
            key.verify(image.signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SealError("bad signature") from None


def verify_image(raw: bytes, trusted: list, min_counter: int = 0) -> Image:
    """§8 steps 1-3 (what `verify` does)."""
    image = parse_image(raw)
    check_counter(image, min_counter)
    verify_signature(image, trusted)
    return image


# --- §4: wrapping and unwrapping the content key --------------------------------------------------------


def _gcm_open(key: bytes, iv: bytes, ct_tag: bytes, aad: bytes, what: str) -> bytes:
    try:
        return AESGCM(key).decrypt(iv, ct_tag, aad)
    except InvalidTag:
        raise SealError(f"{what}: authentication failed") from None


def ecies_kek_iv(shared_x: bytes, eph65: bytes, recipient65: bytes) -> tuple[bytes, bytes]:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=44, salt=eph65 + recipient65, info=ECIES_INFO)
    okm = hkdf.derive(shared_x)
    return okm[:32], okm[32:44]


def oaep_sha256() -> padding.OAEP:
    """§4 kind 3: RSAES-OAEP with SHA-256, MGF1-SHA-256 and an empty label."""
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def unwrap_cek(image: Image, device_keys: list) -> bytes:
    """§4: open the first record whose (kind, key id) matches one of the device keys."""
    mine = {}
    for key in device_keys:
        mine.setdefault((recipient_kind(key), recipient_key_id(key)), key)
    for rec in image.recipients:
        key = mine.get((rec.kind, rec.key_id))
        if key is None:
            continue
        aad = WRAP_AAD_LABEL + rec.prefix
        if rec.kind == KIND_PRODUCT_KEY:
            cek = _gcm_open(key.key, rec.body[:12], rec.body[12:60], aad, "product key unwrap")
        elif rec.kind == KIND_ECIES_P256:
            eph65 = rec.body[:65]
            if eph65[0] != 0x04:
                raise SealError("ECIES: the ephemeral key is not an uncompressed point")
            try:
                eph = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), eph65)
            except ValueError:
                raise SealError("ECIES: the ephemeral key is not a point on P-256") from None
            shared_x = key.exchange(ec.ECDH(), eph)
            kek, iv = ecies_kek_iv(shared_x, eph65, point65(key.public_key()))
            cek = _gcm_open(kek, iv, rec.body[65:113], aad, "ECIES unwrap")
        else:
            if len(rec.body) != key.key_size // 8:
                raise SealError("RSA-OAEP: body length is not the device key's modulus size")
            try:
                cek = key.decrypt(rec.body, oaep_sha256())
            except ValueError:
                raise SealError("RSA-OAEP unwrap failed") from None
        if len(cek) != 32:
            raise SealError("unwrapped content key is not 32 bytes")
        return cek
    raise SealError("no recipient record matches the device keys")


def wrap_cek(cek: bytes, recipient) -> tuple[int, bytes, bytes]:
    """§4: returns (kind, key id, body)."""
    kind = recipient_kind(recipient)
    key_id = recipient_key_id(recipient)
    if kind == KIND_PRODUCT_KEY:
        body_len = 60
    elif kind == KIND_ECIES_P256:
        body_len = 113
    else:
        body_len = recipient.key_size // 8
        if body_len not in BODY_LENGTHS[KIND_RSA_OAEP]:
            raise SealError("RSA recipient: the modulus must be 2048, 3072 or 4096 bits")
    prefix = struct.pack("<BBH", kind, 0, body_len) + key_id
    aad = WRAP_AAD_LABEL + prefix
    if kind == KIND_PRODUCT_KEY:
        nonce = os.urandom(12)
        body = nonce + AESGCM(recipient.key).encrypt(nonce, cek, aad)
    elif kind == KIND_ECIES_P256:
        eph = ec.generate_private_key(ec.SECP256R1())
        eph65 = point65(eph.public_key())
        shared_x = eph.exchange(ec.ECDH(), recipient)
        kek, iv = ecies_kek_iv(shared_x, eph65, point65(recipient))
        body = eph65 + AESGCM(kek).encrypt(iv, cek, aad)
    else:
        body = recipient.encrypt(cek, oaep_sha256())
    assert len(body) == body_len
    return kind, key_id, prefix + body


# --- §6: entry table ------------------------------------------------------------------------------------


def check_paths(paths: list[str]) -> None:
    """The path rules of §6, for each entry and for the set of entries."""
    for path in paths:
        raw = path.encode("utf-8")
        if not 1 <= len(raw) <= MAX_PATH:
            raise SealError(f"path length {len(raw)} outside 1..255")
        if not _printable(raw) or b"\\" in raw or b":" in raw:
            raise SealError(f"path {path!r}: only printable ASCII without '\\' and ':'")
        for comp in raw.split(b"/"):
            if comp == b"":
                raise SealError(f"path {path!r}: empty component")
            if comp in (b".", b".."):
                raise SealError(f"path {path!r}: '.' or '..' component")
            if comp.endswith((b".", b" ")):
                raise SealError(f"path {path!r}: a component ends in '.' or ' '")
    # §6: compared with ASCII case folded (str.lower would also fold non-ASCII, but paths are ASCII)
    folded = [p.lower() for p in paths]
    if len(set(folded)) != len(folded):
        raise SealError("two entries have the same path, ignoring case")
    known = set(folded)
    for path in folded:
        parts = path.split("/")
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i])
            if prefix in known:
                raise SealError(f"path {prefix!r} is a directory prefix of {path!r}")


def parse_entry_table(table: bytes) -> list[Entry]:
    if len(table) < 4:
        raise SealError("entry table: truncated count")
    (count,) = struct.unpack_from("<I", table, 0)
    if not 1 <= count <= MAX_ENTRIES:
        raise SealError(f"entry table: {count} entries, must be 1..4096")
    pos = 4
    entries = []
    for _ in range(count):
        if pos + 8 > len(table):
            raise SealError("entry table: truncated entry header")
        kind, reserved, path_len, data_len = struct.unpack_from("<BBHI", table, pos)
        pos += 8
        if kind not in (ENTRY_MODULE, ENTRY_DATA):
            raise SealError(f"entry table: unknown entry kind {kind}")
        if reserved != 0:
            raise SealError("entry table: reserved byte is not zero")
        if not 1 <= path_len <= MAX_PATH:
            raise SealError("entry table: path length outside 1..255")
        if path_len > len(table) - pos:
            raise SealError("entry table: truncated path")
        path_raw = table[pos : pos + path_len]
        pos += path_len
        if data_len > len(table) - pos:
            raise SealError("entry table: data length beyond the table")
        data = table[pos : pos + data_len]
        pos += data_len
        if not _printable(path_raw):
            raise SealError("entry table: path is not printable ASCII")
        if kind == ENTRY_MODULE and not path_raw.endswith(b".mpy"):
            raise SealError("entry table: a module's path must end in .mpy")
        if entries and path_raw <= entries[-1].path.encode("ascii"):
            raise SealError("entry table: entries out of order (§6: ascending path bytes)")
        entries.append(Entry(kind, path_raw.decode("ascii"), data))
    if pos != len(table):
        raise SealError("entry table: bytes after the last entry")
    check_paths([e.path for e in entries])
    return entries


def build_entry_table(entries: list[Entry]) -> bytes:
    if not 1 <= len(entries) <= MAX_ENTRIES:
        raise SealError("an image has 1..4096 entries")
    check_paths([e.path for e in entries])
    out = [struct.pack("<I", len(entries))]
    for e in sorted(entries, key=lambda e: e.path.encode("ascii")):  # §6: ascending path bytes
        if e.kind == ENTRY_MODULE and not e.path.endswith(".mpy"):
            raise SealError("a module's path must end in .mpy")
        if e.kind not in (ENTRY_MODULE, ENTRY_DATA):
            raise SealError("entry kind must be 1 (module) or 2 (data)")
        path = e.path.encode("ascii")
        out.append(struct.pack("<BBHI", e.kind, 0, len(path), len(e.data)) + path + e.data)
    return b"".join(out)


# --- §8: the whole reader -------------------------------------------------------------------------------


def open_image(
    raw: bytes, trusted: list, device_keys: list, min_counter: int = 0
) -> tuple[Image, list[Entry]]:
    image = verify_image(raw, trusted, min_counter)  # steps 1-3
    if image.payload_alg == PAYLOAD_AES256GCM:
        cek = unwrap_cek(image, device_keys)  # step 4
        table = _gcm_open(cek, image.nonce, image.payload, image.header, "payload")  # step 5
    else:
        table = image.payload
    return image, parse_entry_table(table)


# --- the writer -----------------------------------------------------------------------------------------


def seal_image(
    entries: list[Entry],
    signer,
    recipients: list,
    counter: int = 0,
    name: str = "app",
    encrypt: bool = True,
    tamper_table=None,
    tamper_header=None,
    tamper_signature=None,
) -> bytes:
    """Writes an image (§2-§7). The tamper_* hooks (bytes -> bytes, applied before the later steps use the
    value) exist only for tests that need a correctly signed but non-conforming image."""
    table = build_entry_table(entries)
    if tamper_table:
        table = tamper_table(table)
    name_raw = name.encode("ascii")
    if not 1 <= len(name_raw) <= MAX_NAME or not _printable(name_raw):
        raise SealError("image name: 1..64 printable ASCII characters")
    if not 0 <= counter <= 0xFFFFFFFF:
        raise SealError("security counter is a u32")
    if is_p256(signer):
        sig_alg = SIG_ES256
    elif is_rsa(signer, (2048, 3072)):
        sig_alg = SIG_RS256
    else:
        raise SealError("signer must be EC P-256 or RSA 2048/3072")

    if encrypt:
        if not 1 <= len(recipients) <= MAX_RECIPIENTS:
            raise SealError("an encrypted image needs 1..16 recipients")
        cek = AESGCM.generate_key(bit_length=256)
        records = []
        seen = set()
        for r in recipients:
            kind, key_id, record = wrap_cek(cek, r)
            if (kind, key_id) in seen:
                raise SealError("the same recipient twice")
            seen.add((kind, key_id))
            records.append((kind, key_id, record))
        records = [record for _, _, record in sorted(records)]  # §3.3: ascending (kind, key id)
        nonce = os.urandom(12)
        payload_alg = PAYLOAD_AES256GCM
        payload_len = len(table) + 16
    else:
        if recipients:
            raise SealError("a signed-only image has no recipients")
        records, nonce, payload_alg, payload_len = [], bytes(12), PAYLOAD_NONE, len(table)
    if payload_len > MAX_PAYLOAD:
        raise SealError("payload above 256 MiB")

    header_len = FIXED_HEADER + len(name_raw) + sum(len(r) for r in records)
    if header_len > 0xFFFF:
        raise SealError("header above 65535 bytes")
    fields = [FORMAT_VERSION, header_len, payload_len, counter, payload_alg, sig_alg, len(records)]
    header = (
        MAGIC
        + struct.pack("<HHIIBBBB", *fields, len(name_raw))
        + spki_key_id(signer.public_key())
        + nonce
        + bytes(4)
        + name_raw
        + b"".join(records)
    )
    assert len(header) == header_len
    if tamper_header:
        header = tamper_header(header)
    payload = AESGCM(cek).encrypt(nonce, table, header) if encrypt else table
    signed = header + payload
    if sig_alg == SIG_ES256:
        signature = signer.sign(signed, ec.ECDSA(hashes.SHA256()))
    else:
        signature = signer.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    if tamper_signature:
        signature = tamper_signature(signature)
    return signed + struct.pack("<H", len(signature)) + signature


def entries_from_dir(root: str) -> list[Entry]:
    """A directory tree as entries: `*.mpy` files are modules (kind 1), everything else data (kind 2).
    Paths use '/' and are sorted bytewise."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            with open(full, "rb") as f:
                data = f.read()
            entries.append(Entry(ENTRY_MODULE if fn.endswith(".mpy") else ENTRY_DATA, rel, data))
    entries.sort(key=lambda e: e.path.encode("ascii", errors="replace"))
    if not entries:
        raise SealError(f"{root}: no files to seal")
    return entries


def write_entries(entries: list[Entry], out_dir: str) -> None:
    """Step 6: called only after every check passed. Paths were validated by parse_entry_table."""
    os.makedirs(out_dir, exist_ok=True)
    for e in entries:
        dest = os.path.join(out_dir, *e.path.split("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(e.data)


# --- command line ---------------------------------------------------------------------------------------


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise SealError(f"cannot read {path}: {exc.strerror}") from None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p_open = sub.add_parser("open", help="verify, decrypt and extract an image")
    p_open.add_argument("image")
    p_open.add_argument("--trust", action="append", required=True, help="trusted signer public key (PEM)")
    p_open.add_argument(
        "--key", action="append", default=[], help="device private key (PEM) or product key file"
    )
    p_open.add_argument("--min-counter", type=int, default=0)
    p_open.add_argument("-o", "--output", required=True)

    p_verify = sub.add_parser("verify", help="steps 1-3 of §8")
    p_verify.add_argument("image")
    p_verify.add_argument("--trust", action="append", required=True)
    p_verify.add_argument("--min-counter", type=int, default=0)

    p_inspect = sub.add_parser("inspect", help="strict parse only; prints the header as JSON")
    p_inspect.add_argument("image")

    p_seal = sub.add_parser("seal", help="seal a directory tree")
    p_seal.add_argument("input")
    p_seal.add_argument("-o", "--output", required=True)
    p_seal.add_argument("--sign", required=True, help="signer private key (PEM PKCS#8)")
    p_seal.add_argument(
        "--to", action="append", default=[], help="device public key (PEM) or product key file"
    )
    p_seal.add_argument("--counter", type=int, default=0)
    p_seal.add_argument("--name", default="app")
    p_seal.add_argument("--no-encrypt", action="store_true")

    args = ap.parse_args(argv)
    try:
        if args.cmd == "inspect":
            print(json.dumps(parse_image(_read(args.image)).describe(), indent=2))
        elif args.cmd == "verify":
            trusted = [load_trusted(_read(p), p) for p in args.trust]
            image = verify_image(_read(args.image), trusted, args.min_counter)
            print(f"OK: {args.image} counter {image.counter}, {SIG_NAMES[image.sig_alg]}")
        elif args.cmd == "open":
            trusted = [load_trusted(_read(p), p) for p in args.trust]
            keys = [load_device_key(_read(p), p) for p in args.key]
            image, entries = open_image(_read(args.image), trusted, keys, args.min_counter)
            write_entries(entries, args.output)
            print(f"opened {args.image}: {len(entries)} entries into {args.output}")
        else:
            if not os.path.isdir(args.input):
                raise SealError(f"{args.input}: not a directory")
            if args.no_encrypt and args.to:
                raise SealError("--no-encrypt and --to exclude each other")
            if not args.no_encrypt and not args.to:
                raise SealError("an encrypted image needs at least one --to")
            signer = load_signer(_read(args.sign), args.sign)
            recipients = [load_recipient(_read(p), p) for p in args.to]
            raw = seal_image(
                entries_from_dir(args.input), signer, recipients, args.counter, args.name, not args.no_encrypt
            )
            with open(args.output, "wb") as f:
                f.write(raw)
            print(f"sealed {args.input} into {args.output} ({len(raw)} bytes)")
    except SealError as exc:
        print(f"reference_image.py {args.cmd}: rejected: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
