# expect: CWE-330
import random

from fastapi import FastAPI

app = FastAPI()


@app.post("/otp")
def send_otp():
    otp = random.randint(100000, 999999)
    return {"sent": True, "debug_otp": otp}
