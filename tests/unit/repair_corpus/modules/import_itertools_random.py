def pairs(items):
    return list(itertools.combinations(items, 2))


def shuffled(items, seed):
    rng = random.Random(seed)
    out = list(items)
    rng.shuffle(out)
    return sorted(out)
