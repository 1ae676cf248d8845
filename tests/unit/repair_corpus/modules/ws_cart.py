"""The cart uses shop_pricing's discount."""


def cart_total(prices, percent):
    return sum(apply_discount(p, percent) for p in prices)
