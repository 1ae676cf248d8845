# expect: safe
import os

from flask import Flask, request

app = Flask(__name__)
LAST_HOST = "localhost"
KNOWN = {"a": "10.0.0.1", "b": "10.0.0.2"}


@app.post("/target")
def set_target():
    global LAST_HOST
    LAST_HOST = KNOWN.get(request.form.get("host", "a"), "localhost")
    return "saved"


@app.post("/ping-last")
def ping_last():
    os.system("ping -c 1 " + LAST_HOST)
    return "pinged"
