def mean(values):
    return sum(values) / max(len(values, 1)


def spread(values):
    return max(values) - min(values)
