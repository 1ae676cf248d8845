    import math


def circle(r):
    return round(math.pi * r * r, 2)
