# expect: safe
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_MODE = modes.CBC


def encrypt_page(key: bytes, page: bytes) -> bytes:
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(key), BLOCK_MODE(iv)).encryptor()
    return iv + enc.update(page) + enc.finalize()
