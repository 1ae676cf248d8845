def evens(limit):
    return [n for n in range(limit if n % 2 == 0]
