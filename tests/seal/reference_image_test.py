#!/usr/bin/env python3
"""Interop test of the sealed-image format (docs/sealed-format.md): mpyseal against reference_image.py, an
independent Python implementation written from the document alone.

    reference_image_test.py /path/to/mpyseal [--keep DIR] [--verbose]

(a) mpyseal seals -> reference_image.py opens -> the files equal the inputs;
(b) reference_image.py seals -> `mpyseal inspect` shows what was written, `verify` and `open` accept, and the
    files equal the inputs;
    both for every signer (ES256, RS256 2048 and 3072), every recipient kind (product key, ECIES P-256,
    RSA-OAEP 2048; 3072 and 4096 in the image with several recipients) and a signed-only image;
(c) both refuse damaged images (bits flipped in the header, payload and signature, a truncated or extended
    file, a wrong key, an untrusted signer, a counter below the minimum) and correctly signed images that
    break a rule of the document (reserved bytes, lengths, paths, duplicate recipients, non-strict DER, ...);
    a refused `open` writes nothing;
(d) the rules the document fixes for order, case, kinds and signatures, on both sides.
Prints a summary line; exits 1 on any failure, 2 when it cannot run (no `cryptography`, no binary).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "reference_image.py")

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
except ImportError as exc:
    print(
        f"FAILED: the Python 'cryptography' package is missing for {sys.executable} ({exc}); "
        "scripts/setup.sh installs python3-cryptography (or: pip install cryptography)"
    )
    sys.exit(2)

sys.path.insert(0, HERE)
import reference_image as ref  # noqa: E402

SIGNERS = ("ec-p256", "rsa-2048", "rsa-3072")
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class Checks:
    def __init__(self, verbose: bool):
        self.passed = 0
        self.failed: list[str] = []
        self.verbose = verbose

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"  ok   {name}")
        else:
            self.failed.append(name)
            print(f"  FAIL {name}" + (f"\n       {detail.strip()}" if detail else ""))
        return ok


# --- helpers --------------------------------------------------------------------------------------------


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)


def out_of(p: subprocess.CompletedProcess) -> str:
    return f"exit {p.returncode}\nstdout: {p.stdout.strip()}\nstderr: {p.stderr.strip()}"


def tree_files(root: str) -> dict[str, bytes]:
    files = {}
    for dirpath, _, filenames in os.walk(root):
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            with open(full, "rb") as f:
                files[os.path.relpath(full, root).replace(os.sep, "/")] = f.read()
    return files


def same_tree(expected: str, actual: str) -> tuple[bool, str]:
    a, b = tree_files(expected), tree_files(actual)
    if a and a == b:
        return True, ""
    missing, extra = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    differ = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return False, f"missing {missing} extra {extra} differ {differ}"


def flip(raw: bytes, offset: int, bit: int = 0) -> bytes:
    b = bytearray(raw)
    b[offset] ^= 1 << bit
    return bytes(b)


def set_byte(offset: int, value: int):
    return lambda h: h[:offset] + bytes([value]) + h[offset + 1 :]


def table_of(items: list[tuple[int, int, bytes, bytes]], count: int | None = None) -> bytes:
    """An entry table (§6) from (kind, reserved, path, data), with no checks at all."""
    out = [struct.pack("<I", len(items) if count is None else count)]
    for kind, reserved, path, data in items:
        out.append(struct.pack("<BBHI", kind, reserved, len(path), len(data)) + path + data)
    return b"".join(out)


def first_record(h: bytes) -> int:
    return 72 + h[23]  # after the fixed part and the name (§3.3)


def set_u32(offset: int, value: int):
    return lambda h: h[:offset] + struct.pack("<I", value) + h[offset + 4 :]


def with_lengths(h: bytes) -> bytes:
    """Sets H (offset 10) to the header's length, after a tamper function added bytes."""
    return h[:10] + struct.pack("<H", len(h)) + h[12:]


def add_record(h: bytes, record: bytes) -> bytes:
    """Appends a recipient record and counts it in R (offset 22)."""
    h = h + record
    return with_lengths(h[:22] + bytes([h[22] + 1]) + h[23:])


def duplicate_first_record(h: bytes) -> bytes:
    start = first_record(h)
    (body_len,) = struct.unpack_from("<H", h, start + 2)
    return add_record(h, h[start : start + 36 + body_len])


def longer_name(h: bytes) -> bytes:
    """One more name byte (n = 65 for a 64-byte name)."""
    n = h[23]
    return with_lengths(h[:23] + bytes([n + 1]) + h[24 : 72 + n] + b"x" + h[72 + n :])


def spoil_wrap(h: bytes) -> bytes:
    """A bit of C in the first record's body: the key id still matches but the unwrap fails (§4)."""
    body = first_record(h) + 36
    return flip(h, body + (20 if h[first_record(h)] == ref.KIND_PRODUCT_KEY else 70))


def bad_point(h: bytes) -> bytes:
    """The last byte of the ephemeral key's y: the point is then (all but surely) not on the curve."""
    return flip(h, first_record(h) + 36 + 64)


class Retry(Exception):
    """This random ECDSA signature does not suit the case (the result would be refused for its length)."""


def non_minimal_der(sig: bytes) -> bytes:
    """30 L 02 lr r 02 ls s -> r with one more leading zero byte: the same value, not strict DER."""
    if len(sig) >= 72:
        raise Retry()
    lr = sig[3]
    body = b"\x02" + bytes([lr + 1]) + b"\x00" + sig[4 : 4 + lr] + sig[4 + lr :]
    return b"\x30" + bytes([len(body)]) + body


def long_form_der(sig: bytes) -> bytes:
    """The SEQUENCE length in the long form (81 xx): BER, not DER."""
    if len(sig) >= 72:
        raise Retry()
    return b"\x30\x81" + sig[1:]


def with_s(sig: bytes, high: bool) -> bytes:
    """(r, n - s) is the other valid ECDSA signature of the same message; choose the high or low one."""
    r, s = decode_dss_signature(sig)
    if (s > P256_ORDER // 2) != high:
        s = P256_ORDER - s
    return encode_dss_signature(r, s)


# --- the suite ------------------------------------------------------------------------------------------


class Suite:
    def __init__(self, mpyseal: str, work: str, checks: Checks):
        self.mpyseal = mpyseal
        self.work = work
        self.c = checks
        self.serial = 0

    def path(self, *parts: str) -> str:
        return os.path.join(self.work, *parts)

    def fresh(self, stem: str) -> str:
        self.serial += 1
        return self.path(f"{stem}-{self.serial}")

    def write(self, path: str, data: bytes) -> str:
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, path: str) -> bytes:
        with open(path, "rb") as f:
            return f.read()

    def mp(self, *args: str) -> subprocess.CompletedProcess:
        return run([self.mpyseal, *args])

    def py(self, *args: str) -> subprocess.CompletedProcess:
        """reference_image.py as a program (sections a and b)."""
        return run([sys.executable, REFERENCE, *args])

    def py_fast(self, *args: str) -> subprocess.CompletedProcess:
        """reference_image.main() in this process: the same command line without the interpreter start-up,
        for the hundreds of rejection cases."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = ref.main(list(args))
            except SystemExit as exc:
                rc = exc.code if isinstance(exc.code, int) else 2
        return subprocess.CompletedProcess([REFERENCE, *args], rc, out.getvalue(), err.getvalue())

    def must(self, what: str, p: subprocess.CompletedProcess) -> None:
        if p.returncode != 0:
            raise SystemExit(f"FAILED: setup: {what}\n{out_of(p)}")

    def pub(self, signer: str) -> str:
        return self.signers[signer][1]

    def seal_args(self, signer: str, devs: list[str], img: str, counter: int, name: str = "") -> list:
        args = ["seal", self.tree, "-o", img, "--sign", self.signers[signer][0], "--counter", str(counter)]
        if name:
            args += ["--name", name]
        if not devs:
            return args + ["--no-encrypt"]
        return args + [x for d in devs for x in ("--to", self.devices[d][1])]

    def open_args(self, img: str, signer: str, dev: str | None, out: str, min_counter: int = 0) -> list:
        args = ["open", img, "--trust", self.pub(signer), "--min-counter", str(min_counter), "-o", out]
        return args + (["--key", self.devices[dev][0]] if dev else [])

    # --- setup ------------------------------------------------------------------------------------------

    def setup(self) -> None:
        os.makedirs(self.path("keys"))
        self.signers = {}  # name -> (private key file, public key file)
        for name, kind in (("ec-p256", "ec-p256"), ("rsa-2048", "rsa-2048"), ("rsa-3072", "rsa-3072"),
                           ("other-ec", "ec-p256")):
            priv, pub = self.path("keys", f"signer-{name}.pem"), self.path("keys", f"signer-{name}.pub.pem")
            p = self.mp("keygen", "signer", "--type", kind, "-o", priv, "--pub", pub)
            self.must(f"keygen signer {name}", p)
            self.signers[name] = (priv, pub)
        self.devices = {}  # name -> (file for --key, file for --to); a product key file is both
        for name, kind in (("aes-256", "aes-256"), ("other-aes", "aes-256"), ("ec-p256", "ec-p256"),
                           ("rsa-2048", "rsa-2048")):
            priv = self.path("keys", f"device-{name}.key")
            args = ["keygen", "device", "--type", kind, "-o", priv]
            pub = priv
            if kind != "aes-256":
                pub = self.path("keys", f"device-{name}.pub.pem")
                args += ["--pub", pub]
            self.must(f"keygen device {name}", self.mp(*args))
            self.devices[name] = (priv, pub)
        # §4 allows 2048, 3072 and 4096-bit RSA-OAEP recipients; keygen makes 2048-bit device keys only.
        for bits in (3072, 4096):
            key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
            priv = self.write(self.path("keys", f"device-rsa-{bits}.pem"), key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            pub = self.write(self.path("keys", f"device-rsa-{bits}.pub.pem"), key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
            self.devices[f"rsa-{bits}"] = (priv, pub)

        # The tree: two compiled modules (one in a subdirectory) and two data files.
        src, self.tree = self.path("src"), self.path("tree")
        for d in (os.path.join(src, "lib"), os.path.join(self.tree, "lib"), os.path.join(self.tree, "data")):
            os.makedirs(d)
        sources = {
            "main": "import lib.sensor\nprint('reading', lib.sensor.read(3))\n",
            "lib/sensor": "def read(n):\n    return [i * i for i in range(n)]\n",
        }
        for name, text in sources.items():
            py = os.path.join(src, name + ".py")
            with open(py, "w") as f:
                f.write(text)
            mpy = os.path.join(self.tree, name + ".mpy")
            self.must(f"compile {name}.py", self.mp("compile", "-o", mpy, py))
            if self.read(mpy)[:1] != b"M":
                raise SystemExit(f"FAILED: setup: {mpy} is not a .mpy file")
        self.write(os.path.join(self.tree, "data", "config.json"), b'{"interval": 5, "name": "sensor-1"}\n')
        self.write(os.path.join(self.tree, "data", "blob.bin"), bytes(range(256)) * 3)
        self.entries = ref.entries_from_dir(self.tree)
        self.expected_table = ref.build_entry_table(self.entries)

        self.recipient_sets = {
            "product-key": ["aes-256"],
            "ecies-p256": ["ec-p256"],
            "rsa-oaep-2048": ["rsa-2048"],
            "several": ["aes-256", "ec-p256", "rsa-2048", "rsa-3072", "rsa-4096"],
            "signed-only": [],
        }

    def trusted(self, signer: str) -> list:
        return [ref.load_trusted(self.read(self.pub(signer)))]

    def device_key(self, dev: str):
        return ref.load_device_key(self.read(self.devices[dev][0]))

    # --- (a) mpyseal seals, Python opens ----------------------------------------------------------------

    def mpyseal_to_python(self) -> None:
        counter = 100
        for signer in SIGNERS:
            for set_name, devs in self.recipient_sets.items():
                counter += 1
                case = f"(a) mpyseal->py {signer} {set_name}"
                img = self.fresh("a") + ".img"
                p = self.mp(*self.seal_args(signer, devs, img, counter, f"a-{set_name}"))
                if not self.c.check(f"{case}: mpyseal seal", p.returncode == 0, out_of(p)):
                    continue
                # The header holds what mpyseal was asked to write (read by the Python strict parser).
                try:
                    image = ref.parse_image(self.read(img))
                    kinds = [ref.recipient_kind(self.device_key(d)) for d in devs]
                    ok = (image.counter == counter and image.name == f"a-{set_name}"
                          and [r.kind for r in image.recipients] == kinds
                          and image.sig_alg == (ref.SIG_ES256 if signer == "ec-p256" else ref.SIG_RS256)
                          and image.payload_alg == (ref.PAYLOAD_AES256GCM if devs else ref.PAYLOAD_NONE))
                    self.c.check(f"{case}: header fields", ok, str(image.describe()))
                except ref.SealError as exc:
                    self.c.check(f"{case}: header fields", False, str(exc))
                for dev in devs or [None]:  # every recipient of the image opens it on its own
                    out = self.fresh("a-out")
                    p = self.py(*self.open_args(img, signer, dev, out, counter))
                    if self.c.check(f"{case}: py open with {dev}", p.returncode == 0, out_of(p)):
                        ok, detail = same_tree(self.tree, out)
                        self.c.check(f"{case}: py open with {dev}: files equal", ok, detail)
                p = self.py("verify", img, "--trust", self.pub(signer), "--min-counter", str(counter))
                self.c.check(f"{case}: py verify", p.returncode == 0, out_of(p))
                # The plaintext entry table is byte for byte the one the Python writer makes of the tree.
                try:
                    keys = [self.device_key(d) for d in devs[:1]]
                    _, entries = ref.open_image(self.read(img), self.trusted(signer), keys)
                    table = ref.build_entry_table(entries)
                    self.c.check(f"{case}: entry table identical to Python's", table == self.expected_table,
                                 f"{[(e.kind, e.path) for e in entries]}")
                except ref.SealError as exc:
                    self.c.check(f"{case}: entry table identical to Python's", False, str(exc))

    # --- (b) Python seals, mpyseal inspects, verifies and opens -----------------------------------------

    def python_to_mpyseal(self) -> None:
        counter = 200
        for signer in SIGNERS:
            for set_name, devs in self.recipient_sets.items():
                counter += 1
                case = f"(b) py->mpyseal {signer} {set_name}"
                img, name = self.fresh("b") + ".img", f"b-{set_name}"
                p = self.py(*self.seal_args(signer, devs, img, counter, name))
                if not self.c.check(f"{case}: py seal", p.returncode == 0, out_of(p)):
                    continue
                self.check_inspect(case, img, name, counter, len(devs), signer)
                p = self.mp("verify", img, "--trust", self.pub(signer), "--min-counter", str(counter))
                self.c.check(f"{case}: mpyseal verify", p.returncode == 0, out_of(p))
                for dev in devs or [None]:
                    out = self.fresh("b-out")
                    p = self.mp(*self.open_args(img, signer, dev, out, counter))
                    if self.c.check(f"{case}: mpyseal open with {dev}", p.returncode == 0, out_of(p)):
                        ok, detail = same_tree(self.tree, out)
                        self.c.check(f"{case}: mpyseal open with {dev}: files equal", ok, detail)

    def check_inspect(self, case: str, img: str, name: str, counter: int, nrec: int, signer: str) -> None:
        p = self.mp("inspect", img)
        if not self.c.check(f"{case}: mpyseal inspect", p.returncode == 0, out_of(p)):
            return
        fields = {}
        for line in p.stdout.splitlines():
            key, sep, value = line.partition(":")
            if sep and not line.startswith(" "):
                fields[key.strip()] = value.strip()
        want = {
            "name": fields.get("name") == name,
            "counter": fields.get("counter") == str(counter),
            "recipients": fields.get("recipients", "").split()[:1] == [str(nrec)],
            "signature": fields.get("signature", "").startswith("ES256" if signer == "ec-p256" else "RS256"),
            "payload": fields.get("payload", "").startswith("AES-256-GCM" if nrec else "none"),
        }
        for what, ok in want.items():
            self.c.check(f"{case}: mpyseal inspect shows the {what}", ok, p.stdout)

    # --- both implementations on the same bytes ---------------------------------------------------------

    def open_both(self, label: str, raw: bytes, signer: str, dev: str | None, expect_ok: bool | None,
                  min_counter: int = 0, trust: str | None = None, expected: dict | None = None) -> None:
        """`open` of both implementations on `raw`. expect_ok False: both refuse with a message and write
        nothing (§8 step 6); True: both extract the test tree (or the files `expected`); None (a point the
        document leaves open): both decide alike and, when they accept, extract the same files."""
        img = self.write(self.fresh("c") + ".img", raw)
        results = {}
        for impl in ("py", "mpyseal"):
            out = self.fresh("c-out")
            args = self.open_args(img, trust or signer, dev, out, min_counter)
            p = self.py_fast(*args) if impl == "py" else self.mp(*args)
            results[impl] = (p, out)
            if self.c.verbose and p.returncode != 0:
                print(f"       {impl}: {p.stderr.strip()}")
            if expect_ok is None:
                continue
            name = f"{label}: {impl} open {'accepts' if expect_ok else 'refuses'}"
            if expect_ok:
                if self.c.check(name, p.returncode == 0, out_of(p)):
                    if expected is None:
                        ok, detail = same_tree(self.tree, out)
                    else:
                        got = tree_files(out)
                        ok, detail = got == expected, f"got {sorted(got)}"
                    self.c.check(f"{name}: files equal", ok, detail)
            else:
                self.c.check(name, p.returncode != 0 and p.stderr.strip() != "", out_of(p))
                wrote = tree_files(out) if os.path.isdir(out) else {}
                self.c.check(f"{name}: nothing written", not wrote, f"wrote {sorted(wrote)}")
        if expect_ok is None:
            (pp, pout), (mp, mout) = results["py"], results["mpyseal"]
            says = ["accepts" if x.returncode == 0 else "refuses" for x in (pp, mp)]
            verdict = f"py {says[0]}, mpyseal {says[1]}"
            name = f"{label}: py and mpyseal agree"
            if self.c.check(name, (pp.returncode == 0) == (mp.returncode == 0),
                            f"{verdict}\n{out_of(pp)}\n{out_of(mp)}"):
                if self.c.verbose:
                    print(f"       {verdict}")
                if pp.returncode == 0:
                    ok, detail = same_tree(pout, mout)
                    self.c.check(f"{name}: same files", ok, detail)

    def verify_both(self, label: str, raw: bytes, signer: str, expect_ok: bool, min_counter: int = 0,
                    trust: str | None = None) -> None:
        """`verify` (steps 1-3 of §8, no key) of both implementations on `raw`."""
        img = self.write(self.fresh("v") + ".img", raw)
        for impl in ("py", "mpyseal"):
            args = ["verify", img, "--trust", self.pub(trust or signer), "--min-counter", str(min_counter)]
            p = self.py_fast(*args) if impl == "py" else self.mp(*args)
            if self.c.verbose and p.returncode != 0:
                print(f"       {impl}: {p.stderr.strip()}")
            self.c.check(f"{label}: {impl} verify {'accepts' if expect_ok else 'refuses'}",
                         (p.returncode == 0) == expect_ok, out_of(p))

    # --- (c) damaged images from both writers -----------------------------------------------------------

    def damaged_variants(self, raw: bytes) -> list[tuple[str, bytes]]:
        image = ref.parse_image(raw)
        h, pl = image.header_len, image.payload_len
        sig = h + pl + 2
        out = [
            ("header bit: magic", flip(raw, 3)),
            ("header bit: version", flip(raw, 9)),
            ("header bit: counter", flip(raw, 16, 2)),
            ("header bit: signer key id", flip(raw, 40)),
            ("header bit: reserved", flip(raw, 70)),
            ("header bit: image name", flip(raw, 72)),
            ("header bit: last header byte", flip(raw, h - 1, 7)),
            ("payload bit: first byte", flip(raw, h)),
            ("payload bit: middle", flip(raw, h + pl // 2, 5)),
            ("payload bit: last byte", flip(raw, h + pl - 1, 7)),
            ("signature length bit", flip(raw, h + pl, 1)),
            ("signature bit: first byte", flip(raw, sig, 2)),
            ("signature bit: middle", flip(raw, sig + (len(raw) - sig) // 2, 3)),
            ("signature bit: last byte", flip(raw, len(raw) - 1)),
            ("truncated by one byte", raw[:-1]),
            ("one byte appended", raw + b"\x00"),
        ]
        if image.payload_alg == ref.PAYLOAD_AES256GCM:
            out.append(("header bit: payload nonce", flip(raw, 60)))
            out.append(("header bit: first recipient record's body", flip(raw, first_record(raw) + 40)))
        return out

    def negatives(self) -> None:
        # (signer, recipient, a device key that is not a recipient)
        bases = [("ec-p256", "ec-p256", "other-aes"), ("rsa-2048", "aes-256", "ec-p256"),
                 ("rsa-3072", "rsa-2048", "aes-256"), ("ec-p256", None, None)]
        counter = 77
        for producer in ("mpyseal", "py"):
            for signer, dev, wrong_key in bases:
                tag = f"(c) {producer}-sealed {signer}->{dev or 'signed-only'}"
                img = self.fresh("c-base") + ".img"
                args = self.seal_args(signer, [dev] if dev else [], img, counter)
                p = self.mp(*args) if producer == "mpyseal" else self.py_fast(*args)
                if not self.c.check(f"{tag}: sealed", p.returncode == 0, out_of(p)):
                    continue
                raw = self.read(img)
                self.open_both(f"{tag} unmodified (control)", raw, signer, dev, True, min_counter=counter)
                for label, bad in self.damaged_variants(raw):
                    self.open_both(f"{tag} {label}", bad, signer, dev, False)
                if wrong_key:
                    self.open_both(f"{tag} wrong key ({wrong_key})", raw, signer, wrong_key, False)
                    self.open_both(f"{tag} no key", raw, signer, None, False)
                self.open_both(f"{tag} untrusted signer", raw, signer, dev, False, trust="other-ec")
                self.open_both(f"{tag} counter below minimum", raw, signer, dev, False, counter + 1)
                h = ref.parse_image(raw).header_len
                self.verify_both(f"{tag} unmodified (control)", raw, signer, True, counter)
                self.verify_both(f"{tag} header bit", flip(raw, 17), signer, False)
                self.verify_both(f"{tag} payload bit", flip(raw, h + 1), signer, False)
                self.verify_both(f"{tag} signature bit", flip(raw, len(raw) - 2), signer, False)
                self.verify_both(f"{tag} untrusted signer", raw, signer, False, trust="other-ec")
                self.verify_both(f"{tag} counter below minimum", raw, signer, False, counter + 1)

    # --- (c) and (d): correctly signed images crafted by the Python writer ------------------------------

    def craft(self, label: str, recipients: list, encrypt: bool, name: str = "crafted",
              **tamper) -> bytes | None:
        signer = ref.load_signer(self.read(self.signers["ec-p256"][0]))
        for _ in range(50):
            try:
                return ref.seal_image(self.entries, signer, recipients, counter=5, name=name, encrypt=encrypt,
                                      **tamper)
            except Retry:
                continue
            except ref.SealError as exc:
                self.c.check(f"crafting {label}", False, str(exc))
                return None
        self.c.check(f"crafting {label}", False, "no suitable random signature in 50 tries")
        return None

    def crafted(self) -> None:
        product = ref.load_recipient(self.read(self.devices["aes-256"][1]))
        ecies = ref.load_recipient(self.read(self.devices["ec-p256"][1]))
        P = ([product], True, "aes-256")  # encrypted to the product key
        E = ([ecies], True, "ec-p256")  # encrypted to the EC device key
        S = ([], False, None)  # signed only
        # 16 recipients (the most, §3.1), the last being the test's product key; and a 17th record
        others = [ref.ProductKey(os.urandom(32)) for _ in range(15)]
        P16 = (others + [product], True, "aes-256")
        record17 = struct.pack("<BBH", ref.KIND_PRODUCT_KEY, 0, 60) + os.urandom(32 + 60)
        ok_items = [(e.kind, 0, e.path.encode(), e.data) for e in self.entries]

        def hdr(fn):
            return {"tamper_header": fn}

        def tab(table: bytes):
            return {"tamper_table": lambda _: table}

        def sig(fn):
            return {"tamper_signature": fn}

        def files(*pairs: tuple[bytes, bytes]) -> dict:
            """A table of data entries (kind 2) with the given paths and contents."""
            return tab(table_of([(2, 0, path, data) for path, data in pairs]))

        table = self.expected_table
        cases = [  # (label, recipients/encrypt/key, tamper hooks, both accept?)
            ("control: conforming image", P, {}, True),
            ("control: conforming signed-only image", S, {}, True),
            ("control: conforming ECIES image", E, {}, True),
            ("control: 16 recipients", P16, {}, True),
            ("control: image name of 64 bytes", P, {"name": "n" * 64}, True),
            ("header reserved byte 68 set", P, hdr(set_byte(68, 1)), False),
            ("format version 2", P, hdr(set_byte(8, 2)), False),
            ("payload algorithm 2", P, hdr(set_byte(20, 2)), False),
            ("signature algorithm 3", P, hdr(set_byte(21, 3)), False),
            ("header length H + 1", P, hdr(lambda h: h[:10] + struct.pack("<H", len(h) + 1) + h[12:]), False),
            ("image name byte 0x7f", P, hdr(set_byte(72, 0x7F)), False),
            ("recipient count 0 on an encrypted image", P, hdr(set_byte(22, 0)), False),
            ("recipient reserved byte set", P, hdr(lambda h: set_byte(first_record(h) + 1, 1)(h)), False),
            ("recipient kind 4", P, hdr(lambda h: set_byte(first_record(h), 4)(h)), False),
            ("two records with the same kind and key id", P, hdr(duplicate_first_record), False),
            ("product-key record that does not unwrap", P, hdr(spoil_wrap), False),
            ("ECIES record that does not unwrap", E, hdr(spoil_wrap), False),
            ("ECIES ephemeral key not on the curve", E, hdr(bad_point), False),
            ("17 recipients", P16, hdr(lambda h: add_record(h, record17)), False),
            ("image name of 65 bytes", P, dict(name="n" * 64, **hdr(longer_name)), False),
            ("payload length field above 256 MiB", P, hdr(set_u32(12, 0x10000001)), False),
            ("signed-only with a non-zero nonce", S, hdr(set_byte(60, 1)), False),
            ("signed-only with recipient count 1", S, hdr(set_byte(22, 1)), False),
            ("ES256 signature: r not minimally encoded", P, sig(non_minimal_der), False),
            ("ES256 signature: long-form length", P, sig(long_form_der), False),
            ("entry table: 0 entries", P, tab(struct.pack("<I", 0) + table[4:]), False),
            ("entry table: a byte after the last entry", P, tab(table + b"\x00"), False),
            ("entry table: count one too high", P, tab(table_of(ok_items, len(ok_items) + 1)), False),
            ("entry table: 4097 entries", P, files(*((b"f%d" % i, b"") for i in range(4097))), False),
            ("entry table: entry kind 3", P, tab(table_of([(3, 0, b"x.bin", b"1")])), False),
            ("entry table: entry kind 0", P, tab(table_of([(0, 0, b"x.bin", b"1")])), False),
            ("entry table: reserved byte set", P, tab(table_of([(2, 1, b"x.bin", b"1")])), False),
            ("entry table: data length beyond the table", P,
             tab(table[:8] + struct.pack("<I", 1 << 20) + table[12:]), False),
            ("signed-only entry table: a byte after the last entry", S, tab(table + b"\x00"), False),
            ("two entries with the same path", P, files((b"a/b", b"1"), (b"a/b", b"2")), False),
            ("a path that is a directory prefix of another", P, files((b"a", b"1"), (b"a/b", b"2")), False),
            ("a directory prefix, not adjacent in sorted order", P,
             files((b"lib", b"3"), (b"lib-2", b"2"), (b"lib/x", b"1")), False),
            # §6 order, case, trailing dot/space and kind rules
            ("entries not in path order", P, files((b"z.bin", b"1"), (b"a.bin", b"2")), False),
            ("paths that differ only in case", P, files((b"A.bin", b"1"), (b"a.bin", b"2")), False),
            ("a directory prefix ignoring case", P, files((b"Lib", b"1"), (b"lib/x.bin", b"2")), False),
            ("an empty data entry (control)", P, files((b"data.bin", b"x"), (b"empty", b"")), True,
             {"data.bin": b"x", "empty": b""}),
            ("kind 1 (module) whose data is not .mpy (control)", P, tab(table_of([(1, 0, b"m.mpy", b"x")])),
             True, {"m.mpy": b"x"}),
            ("kind 1 (module) whose path is not *.mpy", P,
             tab(table_of([(1, 0, b"m.txt", self.entries[-1].data)])), False),
            ("kind 2 (data) whose path is *.mpy (control)", P, files((b"d.mpy", b"x")), True, {"d.mpy": b"x"}),
            ("path components '...' and ' '", P, files((b".../ /.hidden", b"1")), False),
            ("a path component '.hidden' (control)", P, files((b"x/.hidden", b"1")), True, {"x/.hidden": b"1"}),
            ("paths ending in a space or a dot", P, files((b"a ", b"1"), (b"b.", b"2")), False),
            ("ES256 signature with a high s (s > n/2) (control)", P, sig(lambda s: with_s(s, high=True)), True),
            ("ES256 signature with a low s (s <= n/2) (control)", P, sig(lambda s: with_s(s, high=False)), True),
        ]
        for path in (b"../evil", b"a/../b", b"./a", b"/abs", b"a//b", b"dir/", b"a\\b", b"c:x", b"del\x7f",
                     b"tab\tname", b"\xc3\xa9", b"x" * 256, b""):
            cases.append((f"entry path {path[:16]!r}", P, files((path, b"2")), False))
        for label, (recipients, encrypt, dev), tamper, accepted, *files_expected in cases:
            raw = self.craft(label, recipients, encrypt, **tamper)
            if raw is not None:
                self.open_both(f"(c) crafted {label}", raw, "ec-p256", dev, accepted,
                               expected=files_expected[0] if files_expected else None)
        # §7: the trusted key that the signer key id selects must fit the algorithm. An ES256 image (signed by
        # the EC key) whose header names the RSA signer, which the reader trusts.
        rsa_signer_id = ref.spki_key_id(ref.load_trusted(self.read(self.pub("rsa-2048"))))
        label = "(c) crafted ES256 image naming a trusted RSA signer"
        raw = self.craft(label, [product], True, **hdr(lambda h: h[:24] + rsa_signer_id + h[56:]))
        if raw is not None:
            self.open_both(label, raw, "rsa-2048", "aes-256", False)
            self.verify_both(label, raw, "rsa-2048", False)

        # The longest path, also as one 255-byte name, and the largest entry count are allowed (§6).
        longest = {"d" * 100 + "/" + "e" * 100 + "/" + "f" * 53: b"1"}
        longest_name = {"n" * 251 + ".bin": b"1"}
        many = {name: b"" for name in sorted(f"f{i}" for i in range(4096))}  # §6: ascending path bytes
        for label, tree in (("a 255-byte path", longest), ("a 255-byte file name", longest_name),
                            ("4096 entries", many)):
            raw = self.craft(label, [product], True, **files(*((k.encode(), v) for k, v in tree.items())))
            if raw is not None:
                self.open_both(f"(c) crafted {label} (control)", raw, "ec-p256", "aes-256", True,
                               expected=tree)

        # `verify` is steps 1-3 of §8: it checks the payload length (§3.1, §9: at least 13, or 29 with the
        # tag) but never reads the entry table.
        verify_cases = [
            ("payload shorter than the smallest table, algorithm 1 (P = 28)", P, bytes(12), False),
            ("payload shorter than the smallest table, algorithm 0 (P = 12)", S, bytes(12), False),
            ("smallest payload, algorithm 1 (P = 29), 0 entries", P, bytes(13), True),
            ("smallest payload, algorithm 0 (P = 13), 0 entries", S, bytes(13), True),
            ("signed-only image with an entry path '..'", S, table_of([(2, 0, b"..", b"1")]), True),
        ]
        for label, (recipients, encrypt, dev), table, verify_ok in verify_cases:
            raw = self.craft(label, recipients, encrypt, **tab(table))
            if raw is not None:
                self.verify_both(f"(c) crafted {label}", raw, "ec-p256", verify_ok)
                self.open_both(f"(c) crafted {label}", raw, "ec-p256", dev, False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mpyseal", help="path to the mpyseal binary")
    ap.add_argument("--keep", help="work in this directory (emptied first) and keep it")
    ap.add_argument("--verbose", action="store_true", help="print every check and every refusal's message")
    args = ap.parse_args()
    if not (os.path.isfile(args.mpyseal) and os.access(args.mpyseal, os.X_OK)):
        print(f"FAILED: {args.mpyseal} is not an executable")
        return 2
    start = time.monotonic()
    checks = Checks(args.verbose)
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        os.makedirs(args.keep)
    work = args.keep or tempfile.mkdtemp(prefix="seal-reference-")
    try:
        suite = Suite(os.path.abspath(args.mpyseal), work, checks)
        suite.setup()
        for title, section in (("(a) mpyseal -> python", suite.mpyseal_to_python),
                               ("(b) python -> mpyseal", suite.python_to_mpyseal),
                               ("(c) damaged images", suite.negatives),
                               ("(c, d) crafted signed images", suite.crafted)):
            passed, failed = checks.passed, len(checks.failed)
            section()
            print(f"{title}: {checks.passed - passed} passed, {len(checks.failed) - failed} failed")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    status = "OK" if not checks.failed else "FAILED"
    print(f"seal_reference_image: {status}: {checks.passed} checks passed, {len(checks.failed)} failed "
          f"({time.monotonic() - start:.1f} s)")
    return 0 if not checks.failed else 1


if __name__ == "__main__":
    sys.exit(main())
