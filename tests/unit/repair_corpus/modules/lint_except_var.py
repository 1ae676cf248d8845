def to_int(text):
    try:
        return int(text)
    except ValueError as exc:
        return None
