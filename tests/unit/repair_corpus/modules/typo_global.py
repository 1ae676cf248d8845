MAX_ITEMS = 3


def cap(items):
    return items[:MAX_ITEM]
