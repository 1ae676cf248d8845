import hashlib
import os


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000).hex()
