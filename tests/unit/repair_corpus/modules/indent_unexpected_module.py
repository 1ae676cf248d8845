import math

RADIUS = 2
    AREA = math.pi * RADIUS ** 2


def area():
    return AREA
