# expect: CWE-327
import base64
import os

from Crypto.Cipher import DES
from Crypto.Util.Padding import pad, unpad


class LegacyTokenCodec:
    block = 8

    def __init__(self, key: bytes):
        if len(key) != 8:
            raise ValueError("key must be 8 bytes")
        self.key = key

    def _cipher(self):
        return DES.new(self.key, DES.MODE_ECB)

    def encode(self, account_no: str) -> str:
        ct = self._cipher().encrypt(pad(account_no.encode(), self.block))
        return base64.urlsafe_b64encode(ct).decode()

    def decode(self, token: str) -> str:
        pt = self._cipher().decrypt(base64.urlsafe_b64decode(token))
        return unpad(pt, self.block).decode()


def codec_from_env() -> LegacyTokenCodec:
    return LegacyTokenCodec(bytes.fromhex(os.environ["LEGACY_TOKEN_KEY"]))


if __name__ == "__main__":
    import sys

    codec = codec_from_env()
    for arg in sys.argv[1:]:
        tok = codec.encode(arg)
        print(arg, tok, codec.decode(tok))
