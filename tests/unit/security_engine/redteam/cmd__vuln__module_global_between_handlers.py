# expect: CWE-78
import os

from flask import Flask, request

app = Flask(__name__)
LAST_HOST = "localhost"


@app.post("/target")
def set_target():
    global LAST_HOST
    LAST_HOST = request.form.get("host", "localhost")
    return "saved"


@app.post("/ping-last")
def ping_last():
    os.system("ping -c 1 " + LAST_HOST)
    return "pinged"
