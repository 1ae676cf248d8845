PAGE_SIZE = 3


def page(items, number):
    """Page `number` (1-based) of `items`."""
    start = number * PAGE_SIZE
    return items[start:start + PAGE_SIZE]
