def safe_get(d, k):
    try:
        return d[k]
    except (KeyError, TypeError) as exc
        return None
