def first_two(items):
    pairs = [(items[0], items[1]]
    return pairs[0]
