# expect: safe
import secrets

from flask import Flask

app = Flask(__name__)


@app.route("/invite")
def invite():
    return {"invite_token": secrets.token_urlsafe(24)}
