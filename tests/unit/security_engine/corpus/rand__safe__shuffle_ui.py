import random


def featured(products: list) -> list:
    picks = list(products)
    random.shuffle(picks)
    colour = random.choice(["red", "green", "blue"])
    return [{"product": p, "badge": colour} for p in picks[:5]]
