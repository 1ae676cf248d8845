import hashlib


def shard_for(user_id: str, shards: int = 16) -> int:
    h = hashlib.sha1(user_id.encode(), usedforsecurity=False)
    return int(h.hexdigest(), 16) % shards
