# expect: CWE-327
import os

from Cryptodome.Cipher import Blowfish
from Cryptodome.Util.Padding import pad


def seal(record: bytes) -> bytes:
    key = bytes.fromhex(os.environ["RECORD_KEY"])
    iv = os.urandom(8)
    cipher = Blowfish.new(key, Blowfish.MODE_CBC, iv)
    return iv + cipher.encrypt(pad(record, 8))
