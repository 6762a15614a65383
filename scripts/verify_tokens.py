#!/usr/bin/env python3
"""Recompute padron's HMAC-SHA256 token test vectors with the Python
standard library only (hmac, hashlib, json), following docs/tokens.md.

Usage: verify_tokens.py [VECTORS_DIR]   (default: testdata/vectors)

Checks RFC 4231 (our HMAC-SHA256 primitive), then for every test key: the
key fingerprint, the BLAKE3 root, every HMAC-SHA256 subkey, every message
(rebuilt from the rule signature and the input fields) and every
HMAC-SHA256 token. Keyed-BLAKE3 tokens need a BLAKE3 implementation,
which the standard library lacks; they are skipped here (the Rust tests
check them against the `blake3` crate). Exit status 0 = all match.
"""

import hashlib
import hmac
import json
import os
import struct
import sys


def hkdf_expand_32(prk: bytes, info: bytes) -> bytes:
    """HKDF-SHA256-Expand (RFC 5869) for L = 32: T(1) = HMAC(PRK, info || 0x01)."""
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def enc(b: bytes) -> bytes:
    """4-byte big-endian length, then the bytes."""
    return struct.pack(">I", len(b)) + b


def parse_signature(sig: str):
    """'name(a,sorted(b,c),d)' -> (name, [('one', 'a'), ('sorted', ['b','c']), ('one', 'd')])."""
    name, _, rest = sig.partition("(")
    assert rest.endswith(")"), sig
    body = rest[:-1]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    out = []
    for p in parts:
        if p.startswith("sorted(") and p.endswith(")"):
            out.append(("sorted", p[len("sorted("):-1].split(",")))
        else:
            out.append(("one", p))
    return name, out


def message(sig: str, fields: dict):
    """The bytes hashed for a rule, or None if a field is missing."""
    _, parts = parse_signature(sig)
    msg = enc(sig.encode("utf-8"))
    for kind, what in parts:
        names = [what] if kind == "one" else what
        values = []
        for n in names:
            v = fields.get(n)
            if v is None or v == "":
                return None
            values.append(v.encode("utf-8"))
        if kind == "sorted":
            values.sort()  # byte order
        for v in values:
            msg += enc(v)
    return msg


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    vdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "testdata", "vectors")
    failures = []
    checked = 0

    with open(os.path.join(vdir, "rfc4231.json"), encoding="utf-8") as f:
        rfc = json.load(f)
    for c in rfc["cases"]:
        mac = hmac.new(bytes.fromhex(c["key"]), bytes.fromhex(c["data"]), hashlib.sha256).hexdigest()
        want = c.get("hmac_sha256") or c["hmac_sha256_128"]
        checked += 1
        if not mac.startswith(want) or len(want) not in (32, 64):
            failures.append("RFC 4231 case %s" % c["case"])

    with open(os.path.join(vdir, "tokens.json"), encoding="utf-8") as f:
        v = json.load(f)
    prefix = v["context_prefix"]
    rules = v["rules"]
    names = [parse_signature(r)[0] for r in rules]
    for inp in v["inputs"]:
        for r, sig in enumerate(rules):
            m = message(sig, inp["fields"])
            got = None if m is None else m.hex()
            checked += 1
            if got != inp["messages"][r]:
                failures.append("message of rule %s for input %r" % (names[r], inp["description"]))

    for k in v["keys"]:
        key = bytes.fromhex(k["key"])
        fp = hkdf_expand_32(key, (prefix + " key fingerprint v1").encode())[:8].hex()
        root = hkdf_expand_32(key, (prefix + " blake3 root v1").encode()).hex()
        checked += 2
        if fp != k["fingerprint"]:
            failures.append("fingerprint of key %s" % k["key"][:8])
        if root != k["blake3_root"]:
            failures.append("blake3 root of key %s" % k["key"][:8])
        subkeys = []
        for r, name in enumerate(names):
            sub = hkdf_expand_32(key, ("%s token hmac-sha256 v1 rule=%s" % (prefix, name)).encode())
            subkeys.append(sub)
            checked += 1
            if sub.hex() != k["hmac_sha256_subkeys"][r]:
                failures.append("HMAC subkey of rule %s" % name)
        for i, inp in enumerate(v["inputs"]):
            for r, sig in enumerate(rules):
                m = message(sig, inp["fields"])
                want = k["tokens"][i]["hmac-sha256"][r]
                got = None if m is None else hmac.new(subkeys[r], m, hashlib.sha256).digest()[:16].hex()
                checked += 1
                if got != want:
                    failures.append("HMAC token of rule %s, input %d, key %s" % (names[r], i, k["key"][:8]))

    if failures:
        for f in failures:
            print("MISMATCH:", f)
        print("%d of %d checks failed" % (len(failures), checked))
        return 1
    print("ok: %d checks (RFC 4231, fingerprints, subkeys, messages, HMAC-SHA256 tokens); "
          "keyed-BLAKE3 tokens not checked (no BLAKE3 in the Python standard library)" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
