# expect: safe
import secrets
import string

from flask import Flask

app = Flask(__name__)


@app.route("/temp-password")
def temp_password():
    password = "".join(secrets.choice(string.ascii_letters) for _ in range(16))
    return {"password": password}
