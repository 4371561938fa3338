"""verify_evidence on envelopes signed here; python/test/evidence-parity.test.ts checks packets
signed by @jobforge/sdk and by the sandbox."""

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from jobforge import JobForgeError, key_id_of, verify_evidence
from jobforge.evidence import IN_TOTO_PAYLOAD_TYPE, pre_auth_encoding

SHA = "ab" * 32


def statement(**predicate: Any) -> dict[str, Any]:
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "output", "digest": {"sha256": SHA}}],
        "predicateType": "https://jobforge.dev/evidence/v1",
        "predicate": {
            "connector": {"id": "echo", "version": "1.0.0"},
            "invocation": {"trace_id": "t-1", "tenant_id": "tenant", "operation": "run"},
            "input_hash": SHA,
            "output_hash": SHA,
            "status": "success",
            "timing": {"started_at": "2026-01-01T00:00:00Z", "ended_at": "2026-01-01T00:00:01Z"},
            **predicate,
        },
    }


class Key:
    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.public_pem = self.private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
        self.keyid = key_id_of(self.public_pem)

    def sign(self, body: Any, payload_type: str = IN_TOTO_PAYLOAD_TYPE) -> dict[str, Any]:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        sig = self.private.sign(pre_auth_encoding(payload_type, payload))
        return {
            "payloadType": payload_type,
            "payload": base64.b64encode(payload).decode(),
            "signatures": [{"keyid": self.keyid, "sig": base64.b64encode(sig).decode()}],
        }


@pytest.fixture(scope="module")
def key() -> Key:
    return Key()


def test_pae_matches_the_dsse_spec() -> None:
    assert pre_auth_encoding("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_a_good_packet_verifies(key: Key) -> None:
    checked = verify_evidence(key.sign(statement()), key.public_pem)
    assert checked.ok and checked.keyid == key.keyid
    assert checked.statement is not None and checked.statement["predicate"]["connector"]["id"] == "echo"
    assert verify_evidence(json.dumps(key.sign(statement())), [Key().public_pem, key.public_pem]).ok


def test_the_private_key_counts_as_its_public_half(key: Key) -> None:
    pem = key.private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    assert key_id_of(pem) == key.keyid
    assert verify_evidence(key.sign(statement()), pem).ok


def altered_payload(key: Key) -> dict[str, Any]:
    envelope = key.sign(statement())
    envelope["payload"] = base64.b64encode(json.dumps(statement(status="failure")).encode()).decode()
    return envelope


def foreign_signature(key: Key) -> dict[str, Any]:
    other = Key()
    envelope = other.sign(statement())
    envelope["signatures"][0]["keyid"] = key.keyid
    return envelope


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda k: altered_payload(k), "BAD_SIGNATURE"),
        (lambda k: foreign_signature(k), "BAD_SIGNATURE"),
        (lambda k: Key().sign(statement()), "UNKNOWN_KEYID"),
        (lambda k: k.sign(statement(), "text/plain"), "WRONG_PAYLOAD_TYPE"),
        (lambda k: k.sign(b"not json"), "NOT_A_STATEMENT"),
        (lambda k: k.sign({**statement(), "predicateType": "x"}), "NOT_A_STATEMENT"),
        (lambda k: k.sign(statement(status="maybe")), "NOT_A_STATEMENT"),
        (lambda k: k.sign(statement(input_hash="short")), "NOT_A_STATEMENT"),
        (lambda k: k.sign(statement(invocation={})), "NOT_A_STATEMENT"),
        (lambda k: {**k.sign(statement()), "signatures": []}, "MALFORMED_ENVELOPE"),
        (lambda k: {**k.sign(statement()), "payload": "***"}, "MALFORMED_ENVELOPE"),
        (lambda k: {**k.sign(statement()), "signatures": [{"keyid": 1}]}, "MALFORMED_ENVELOPE"),
        (lambda k: [1, 2], "MALFORMED_ENVELOPE"),
        (lambda k: "{not json", "MALFORMED_ENVELOPE"),
        (lambda k: None, "MALFORMED_ENVELOPE"),
    ],
    ids=[
        "altered payload", "signed by another key", "unknown keyid", "wrong payload type",
        "payload not json", "wrong predicate type", "bad status", "bad input hash", "no invocation",
        "no signatures", "payload not base64", "bad signature entry", "an array", "not json", "None",
    ],
)
def test_every_failure_is_a_reason_never_an_exception(key: Key, make: Any, reason: str) -> None:
    checked = verify_evidence(make(key), key.public_pem)
    assert not checked.ok
    assert checked.reason == reason, checked.message


def test_a_trusted_key_that_is_not_ed25519_raises_invalid_key() -> None:
    rsa = generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = rsa.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    for bad in (pem, "not a pem"):
        with pytest.raises(JobForgeError) as raised:
            verify_evidence({}, bad)
        assert raised.value.code == "INVALID_KEY"
