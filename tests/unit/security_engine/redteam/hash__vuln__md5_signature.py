# expect: CWE-328
import hashlib

from flask import Flask, request

app = Flask(__name__)
SECRET = "s3"


@app.route("/verify")
def verify():
    user = request.args.get("user", "")
    signature = hashlib.md5(f"{user}:{SECRET}".encode()).hexdigest()
    return {"ok": signature == request.args.get("sig")}
