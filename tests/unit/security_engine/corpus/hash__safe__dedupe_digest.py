import hashlib

def dedupe_uploads(paths):
    seen = {}
    for p in paths:
        with open(p, "rb") as fh:
            digest = hashlib.md5(fh.read()).hexdigest()
        seen.setdefault(digest, p)
    return list(seen.values())
