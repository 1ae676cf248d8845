# expect: safe
import hashlib
import hmac
import json
import os

import redis

cache = redis.Redis.from_url(os.environ.get("CACHE_URL", "redis://localhost:6379/1"))

SCRYPT_PARAMS = {"n": 2**14, "r": 8, "p": 1, "dklen": 64}


def cache_key(namespace: str, params: dict) -> str:
    blob = json.dumps(params, sort_keys=True).encode()
    return f"{namespace}:" + hashlib.md5(blob, usedforsecurity=False).hexdigest()


def cached_search(params: dict, compute):
    key = cache_key("search", params)
    hit = cache.get(key)
    if hit is not None:
        return json.loads(hit)
    result = compute(params)
    cache.setex(key, 300, json.dumps(result))
    return result


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT_PARAMS)
    return salt.hex() + "$" + digest.hex()


def verify_password(password: str, stored: str) -> bool:
    salt_hex, digest_hex = stored.split("$", 1)
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **SCRYPT_PARAMS)
    return hmac.compare_digest(candidate.hex(), digest_hex)


def file_fingerprint(path: str) -> str:
    h = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()
