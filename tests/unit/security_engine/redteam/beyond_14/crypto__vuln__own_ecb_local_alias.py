# expect: CWE-327
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class TileEncryptor:
    def __init__(self, key: bytes):
        self.key = key

    def encrypt_tile(self, tile: bytes) -> bytes:
        mode = modes.ECB
        enc = Cipher(algorithms.AES(self.key), mode()).encryptor()
        return enc.update(tile) + enc.finalize()
