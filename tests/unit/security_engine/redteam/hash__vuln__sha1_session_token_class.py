# expect: CWE-328
import hashlib
import time

from flask import Flask

app = Flask(__name__)


class Tokens:
    def issue(self, user_id):
        return hashlib.sha1(f"{user_id}{time.time()}".encode()).hexdigest()


@app.route("/token/<int:user_id>")
def token(user_id):
    return {"token": Tokens().issue(user_id)}
