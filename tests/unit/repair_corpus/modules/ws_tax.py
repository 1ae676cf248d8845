import math


def with_tax(amount):
    return math.floor(amount * (1 + TAX_RATE))
