def squares_up_to(n):
    """Squares of 1..n inclusive."""
    return [i * i for i in range(1, n)]
