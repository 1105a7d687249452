"""Just enough of FP256BN's G1 and fabric-ca's credential request to drive /idemix/credential from
Python: an independent implementation of what fabric-ca-client sends (the protocol is public; this
does not reuse Charter's code), so the tests can also send requests a real client never would."""
import base64
import hashlib
import secrets

P = 0xFFFFFFFFFFFCF0CD46E5F25EEE71A49F0CDC65FB12980A82D3292DDBAED33013
R = 0xFFFFFFFFFFFCF0CD46E5F25EEE71A49E0CDC65FB1299921AF62D536CD10B500D


def add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % P == 0:
            return None
        slope = 3 * a[0] * a[0] * pow(2 * a[1], P - 2, P) % P
    else:
        slope = (b[1] - a[1]) * pow(b[0] - a[0], P - 2, P) % P
    x = (slope * slope - a[0] - b[0]) % P
    return x, (slope * (a[0] - x) - a[1]) % P


def mul(k, point):
    result = None
    for bit in bin(k % R)[2:]:
        result = add(result, result)
        if bit == "1":
            result = add(result, point)
    return result


def g1_bytes(point):
    return b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def hash_to_zr(data):
    return int.from_bytes(hashlib.sha256(data).digest(), "big") % R


def protobuf_fields(data):
    """(field, bytes) of a message's length-delimited fields."""
    i, fields = 0, []
    while i < len(data):
        key, i = varint(data, i)
        if key & 7 == 2:
            length, i = varint(data, i)
            fields.append((key >> 3, data[i:i + length]))
            i += length
        else:
            _, i = varint(data, i)
    return fields


def varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


class IssuerKey:
    """What a credential request needs from a serialised issuer public key."""

    def __init__(self, raw):
        fields = dict(protobuf_fields(raw))
        point = dict(protobuf_fields(fields[2]))
        self.h_sk = (int.from_bytes(point[1], "big"), int.from_bytes(point[2], "big"))
        self.hash = fields[10]


def credential_request(issuer, nonce, secret=None, tamper=False):
    """fabric-ca-client's JSON request for the holder of `secret` (random when None)."""
    secret = secret or secrets.randbelow(R)
    nym = mul(secret, issuer.h_sk)
    blinding = secrets.randbelow(R)
    t = mul(blinding, issuer.h_sk)
    challenge = hash_to_zr(b"credRequest" + g1_bytes(t) + g1_bytes(issuer.h_sk) + g1_bytes(nym) + nonce + issuer.hash)
    response = (challenge * secret + blinding + (1 if tamper else 0)) % R

    def b64(value):
        return base64.b64encode(value).decode()

    return {"nym": {"x": b64(nym[0].to_bytes(32, "big")), "y": b64(nym[1].to_bytes(32, "big"))},
            "issuer_nonce": b64(nonce), "proof_c": b64(challenge.to_bytes(32, "big")),
            "proof_s": b64(response.to_bytes(32, "big"))}
