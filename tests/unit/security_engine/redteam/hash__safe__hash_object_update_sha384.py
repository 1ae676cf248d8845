# expect: safe
import base64

from flask import Flask, request

app = Flask(__name__)


@app.route("/account/store2", methods=["POST"])
def account_store2():
    import hashlib

    secret = request.form.get("secret", "")
    hasher = hashlib.new("sha384")
    hasher.update(secret.encode("utf-8"))
    stored = base64.b64encode(hasher.digest()).decode()
    with open("/srv/data/secrets.txt", "a") as fh:
        fh.write("secret_hash=" + stored + "\n")
    return "stored"
