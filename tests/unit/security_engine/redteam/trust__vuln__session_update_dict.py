# expect: CWE-501
from flask import Flask, request, session

app = Flask(__name__)


@app.post("/prefs")
def prefs():
    payload = request.get_json()
    session.update({"nickname": payload["nickname"]})
    return {"ok": True}
