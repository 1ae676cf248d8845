# expect: CWE-327
import os
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_MODE = modes.ECB
KEY_ENV = "BACKUP_ENCRYPTION_KEY"
MAGIC = b"BKP1"


def _key() -> bytes:
    key = bytes.fromhex(os.environ[KEY_ENV])
    if len(key) not in (16, 24, 32):
        raise ValueError("bad key length")
    return key


def encrypt_blob(data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(_key()), BLOCK_MODE()).encryptor()
    body = enc.update(padded) + enc.finalize()
    return MAGIC + struct.pack(">Q", len(data)) + body


def decrypt_blob(blob: bytes) -> bytes:
    if blob[:4] != MAGIC:
        raise ValueError("not a backup blob")
    (length,) = struct.unpack(">Q", blob[4:12])
    dec = Cipher(algorithms.AES(_key()), BLOCK_MODE()).decryptor()
    padded = dec.update(blob[12:]) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    data = unpadder.update(padded) + unpadder.finalize()
    return data[:length]


def encrypt_file(src: str, dst: str):
    with open(src, "rb") as fh:
        blob = encrypt_blob(fh.read())
    with open(dst, "wb") as fh:
        fh.write(blob)


if __name__ == "__main__":
    import sys

    encrypt_file(sys.argv[1], sys.argv[2])
