# expect: CWE-328
from Crypto.Hash import MD5
from flask import Flask, request

app = Flask(__name__)


@app.post("/reset")
def reset():
    secret = request.form["new_password"]
    hashed_password = MD5.new(secret.encode()).hexdigest()
    return {"ok": bool(hashed_password)}
