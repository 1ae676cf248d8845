# expect: safe
from flask import Flask, make_response

app = Flask(__name__)


@app.route("/logout")
def logout():
    resp = make_response("bye")
    resp.set_cookie("session_id", "", max_age=0)
    return resp
