import hashlib
import os


def make_reset_token(user_id: int) -> str:
    h = hashlib.new("sha1")
    h.update(os.urandom(16) + str(user_id).encode())
    return h.hexdigest()
