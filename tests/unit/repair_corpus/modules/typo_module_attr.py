import math


def root(x):
    return math.sqr(x)
