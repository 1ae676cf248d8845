from hashlib import md5 as digest


def api_signature(secret: str, body: bytes) -> str:
    return digest(secret.encode() + body).hexdigest()
