# expect: safe
import base64
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
ECB_WARNING_SHOWN = False


def _key() -> bytes:
    return base64.b64decode(os.environ["FIELD_ENCRYPTION_KEY"])


def seal(record: dict, associated: bytes = b"customer-v1") -> str:
    nonce = os.urandom(NONCE_BYTES)
    ct = AESGCM(_key()).encrypt(nonce, json.dumps(record).encode(), associated)
    return base64.urlsafe_b64encode(nonce + ct).decode()


def unseal(token: str, associated: bytes = b"customer-v1") -> dict:
    raw = base64.urlsafe_b64decode(token)
    nonce, ct = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    return json.loads(AESGCM(_key()).decrypt(nonce, ct, associated))


def rotate(token: str, new_key: bytes) -> str:
    record = unseal(token)
    nonce = os.urandom(NONCE_BYTES)
    ct = AESGCM(new_key).encrypt(nonce, json.dumps(record).encode(), b"customer-v1")
    return base64.urlsafe_b64encode(nonce + ct).decode()


def generate_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


if __name__ == "__main__":
    print(generate_key())
