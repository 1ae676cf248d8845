# expect: CWE-328
import base64

from flask import Flask, request

app = Flask(__name__)


@app.route("/account/store", methods=["POST"])
def account_store():
    import hashlib

    secret = request.form.get("secret", "")
    hasher = hashlib.new("md5")
    hasher.update(secret.encode("utf-8"))
    stored = base64.b64encode(hasher.digest()).decode()
    with open("/srv/data/secrets.txt", "a") as fh:
        fh.write("secret_hash=" + stored + "\n")
    return "stored"
