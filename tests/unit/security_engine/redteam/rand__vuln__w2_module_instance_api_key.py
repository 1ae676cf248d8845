# expect: CWE-330
import random

_rng = random.Random()

def api_key():
    return "%032x" % _rng.getrandbits(128)
