import random
import time


def retry(call, attempts: int = 5):
    for n in range(attempts):
        try:
            return call()
        except ConnectionError:
            time.sleep((2**n) + random.uniform(0, 0.5))
    raise RuntimeError("gave up")
