import random


def provision(client: str) -> dict:
    raw = "%032x" % random.getrandbits(128)
    return {"client": client, "api_key": raw}
