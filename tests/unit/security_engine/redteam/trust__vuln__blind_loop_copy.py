# expect: CWE-501
from flask import Flask, request, session

app = Flask(__name__)


@app.post("/prefs")
def prefs():
    for key in ("theme", "lang"):
        session[key] = request.form.get(key, "")
    return "saved"
