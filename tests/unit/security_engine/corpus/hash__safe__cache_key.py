import hashlib
import json


def cache_key(params: dict) -> str:
    raw = json.dumps(params, sort_keys=True).encode()
    return "q:" + hashlib.md5(raw).hexdigest()
