# expect: safe
import random

from fastapi import FastAPI

app = FastAPI()
_rng = random.SystemRandom()


@app.post("/otp")
def send_otp():
    otp = _rng.randint(100000, 999999)
    return {"sent": True, "len": len(str(otp))}
