"""Verifies JobForge evidence: a DSSE envelope over an in-toto Statement, signed with Ed25519."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from .errors import JobForgeError

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
EVIDENCE_PREDICATE_TYPE = "https://jobforge.dev/evidence/v1"
IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"

_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: An envelope larger than this is refused unread (evidence packets are a few kilobytes).
MAX_ENVELOPE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with the statement and the key id that signed it, or a ``reason`` code and message.

    Reasons are those of @jobforge/sdk: MALFORMED_ENVELOPE, WRONG_PAYLOAD_TYPE, UNKNOWN_KEYID,
    BAD_SIGNATURE, NOT_A_STATEMENT.
    """

    ok: bool
    statement: dict[str, Any] | None = None
    keyid: str | None = None
    reason: str | None = None
    message: str | None = None


def pre_auth_encoding(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 PAE: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d " % (len(kind), kind, len(payload)) + payload


def key_id_of(public_key_pem: str | bytes) -> str:
    """The key id JobForge uses everywhere: hex sha256 of the public key's SPKI DER encoding."""
    der = _public_key(public_key_pem, "public key").public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def verify_evidence(
    envelope: Any, public_keys: str | bytes | Sequence[str | bytes]
) -> VerifyResult:
    """Checks a JobForge evidence packet against trusted public keys (PEM; a private key counts as
    its public half): the envelope's shape, the payload type, the key id, the Ed25519 signature over
    the PAE, and the statement's shape. Never raises for a bad envelope (a JSON string or a parsed
    dict); a trusted key that is not an Ed25519 PEM raises ``JobForgeError`` ``INVALID_KEY``.

    Example::

        checked = verify_evidence(job["results"][0]["evidence"], open("host.pub").read())
        if not checked.ok:
            print(checked.reason, checked.message)
    """
    keys = [public_keys] if isinstance(public_keys, (str, bytes)) else list(public_keys)
    trusted: dict[str, Ed25519PublicKey] = {}
    for i, pem in enumerate(keys):
        key = _public_key(pem, f"trusted key {i + 1}")
        der = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        trusted[hashlib.sha256(der).hexdigest()] = key
    try:
        return _verify(envelope, trusted)
    except Exception as error:  # hostile input must come back as a reason, never as an exception
        return VerifyResult(False, reason="MALFORMED_ENVELOPE", message=f"envelope could not be read: {error}")


def _verify(envelope: Any, trusted: dict[str, Ed25519PublicKey]) -> VerifyResult:
    if isinstance(envelope, (str, bytes)):
        if len(envelope) > MAX_ENVELOPE_BYTES:
            return _bad("MALFORMED_ENVELOPE", f"envelope is larger than {MAX_ENVELOPE_BYTES} bytes")
        try:
            envelope = json.loads(envelope)
        except ValueError:
            return _bad("MALFORMED_ENVELOPE", "envelope is not JSON")
    if not isinstance(envelope, dict):
        return _bad("MALFORMED_ENVELOPE", "envelope is not a JSON object")
    payload_type, payload, signatures = (
        envelope.get("payloadType"),
        envelope.get("payload"),
        envelope.get("signatures"),
    )
    if not isinstance(payload_type, str):
        return _bad("MALFORMED_ENVELOPE", "payloadType is missing or not a string")
    if not isinstance(payload, str) or not _BASE64.match(payload) or len(payload) % 4:
        return _bad("MALFORMED_ENVELOPE", "payload is missing or not base64")
    if not isinstance(signatures, list) or not signatures:
        return _bad("MALFORMED_ENVELOPE", "signatures is missing or empty")
    if len(signatures) > 16:
        return _bad("MALFORMED_ENVELOPE", "more than 16 signatures")
    checked: list[tuple[str, str]] = []
    for i, entry in enumerate(signatures):
        keyid = entry.get("keyid") if isinstance(entry, dict) else None
        sig = entry.get("sig") if isinstance(entry, dict) else None
        if not isinstance(keyid, str) or not isinstance(sig, str) or not _BASE64.match(sig):
            return _bad("MALFORMED_ENVELOPE", f"signatures[{i}] needs a string keyid and a base64 sig")
        checked.append((keyid, sig))
    if payload_type != IN_TOTO_PAYLOAD_TYPE:
        return _bad(
            "WRONG_PAYLOAD_TYPE",
            f"payloadType is {json.dumps(payload_type)}, expected {json.dumps(IN_TOTO_PAYLOAD_TYPE)}",
        )
    body = base64.b64decode(payload)
    pae = pre_auth_encoding(payload_type, body)
    known = False
    for keyid, sig in checked:
        key = trusted.get(keyid)
        if key is None:
            continue
        known = True
        try:
            key.verify(_b64(sig), pae)
        except InvalidSignature:
            continue
        statement = _parse_statement(body)
        if isinstance(statement, str):
            return _bad("NOT_A_STATEMENT", statement)
        return VerifyResult(True, statement=statement, keyid=keyid)
    if not known:
        ids = ", ".join(k[:16] for k, _ in checked) or "no key"
        return _bad("UNKNOWN_KEYID", f"signed by {ids}; none of them is a trusted key")
    return _bad(
        "BAD_SIGNATURE",
        "the signature does not match the payload: it was altered or signed by another key",
    )


def _b64(text: str) -> bytes:
    # Node decodes unpadded base64 leniently; so must we, or a valid signature would be refused.
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:
        return b""


def _bad(reason: str, message: str) -> VerifyResult:
    return VerifyResult(False, reason=reason, message=message)


def _parse_statement(body: bytes) -> dict[str, Any] | str:
    try:
        value = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return "payload is not JSON"
    if not isinstance(value, dict):
        return "payload is not a JSON object"
    if value.get("_type") != STATEMENT_TYPE:
        return f"_type is {json.dumps(value.get('_type'))}, expected {STATEMENT_TYPE}"
    if value.get("predicateType") != EVIDENCE_PREDICATE_TYPE:
        return f"predicateType is {json.dumps(value.get('predicateType'))}, expected {EVIDENCE_PREDICATE_TYPE}"
    subjects = value.get("subject")
    if not isinstance(subjects, list) or not subjects:
        return "subject is missing or empty"
    for subject in subjects:
        digest = subject.get("digest") if isinstance(subject, dict) else None
        sha = digest.get("sha256") if isinstance(digest, dict) else None
        if not isinstance(sha, str) or not _SHA256.match(sha):
            return "a subject has no sha256 digest"
    p = value.get("predicate")
    if not isinstance(p, dict):
        return "predicate is missing"
    for field in ("input_hash", "output_hash"):
        if not isinstance(p.get(field), str) or not _SHA256.match(p[field]):
            return f"predicate.{field} is not a sha256"
    if p.get("status") not in ("success", "failure"):
        return "predicate.status is neither success nor failure"
    connector = p.get("connector")
    if not isinstance(connector, dict):
        return "predicate.connector is missing"
    if not isinstance(connector.get("id"), str) or not isinstance(connector.get("version"), str):
        return "predicate.connector needs a string id and version"
    invocation = p.get("invocation")
    if not isinstance(invocation, dict):
        return "predicate.invocation is missing"
    for field in ("trace_id", "tenant_id", "operation"):
        if not isinstance(invocation.get(field), str):
            return f"predicate.invocation.{field} is not a string"
    timing = p.get("timing")
    if not isinstance(timing, dict):
        return "predicate.timing is missing"
    if not isinstance(timing.get("started_at"), str) or not isinstance(timing.get("ended_at"), str):
        return "predicate.timing needs started_at and ended_at"
    return value


def _public_key(pem: str | bytes, where: str) -> Ed25519PublicKey:
    data = pem.encode("utf-8") if isinstance(pem, str) else pem
    key: Any
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError):
        try:
            key = load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError):
            raise JobForgeError(
                "INVALID_KEY", f"{where} is not a PEM public key", where=where,
                hint="pass the host's public key, e.g. from `jobforge keys generate --out DIR`",
            ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise JobForgeError(
            "INVALID_KEY", f"{where} is {type(key).__name__}; JobForge signs with Ed25519", where=where
        )
    return key
