"""Prices (a helper module other corpus modules import)."""


def apply_discount(price: float, percent: float) -> float:
    return round(price * (1 - percent / 100), 2)


TAX_RATE = 0.2
