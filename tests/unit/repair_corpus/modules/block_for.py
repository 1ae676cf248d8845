def collect(words):
    seen = []
    for w in words:
    seen.append(w.lower())
    return seen
