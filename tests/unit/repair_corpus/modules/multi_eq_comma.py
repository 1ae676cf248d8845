def matches(a, b):
    if a = b:
        return [a b]
    return []
