# expect: CWE-330
import random
import string

from flask import Flask

app = Flask(__name__)
ALPHABET = string.ascii_letters + string.digits


@app.route("/invite")
def invite():
    token = "".join(random.choice(ALPHABET) for _ in range(32))
    return {"invite_token": token}
