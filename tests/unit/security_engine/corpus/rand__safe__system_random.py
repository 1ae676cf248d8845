import random
import string

_rng = random.SystemRandom()


def make_password(n: int = 16) -> str:
    return "".join(_rng.choice(string.ascii_letters) for _ in range(n))
