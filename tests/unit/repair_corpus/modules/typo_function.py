def normalise(word):
    return word.strip().lower()


def normalise_all(words):
    return [normalize(w) for w in words]
