from functools import reduce


def last_n(items, n):
    window = deque(maxlen=n)
    for item in items:
        window.append(item)
    return reduce(lambda a, b: a + b, window, 0)
