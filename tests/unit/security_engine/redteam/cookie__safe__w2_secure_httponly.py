# expect: safe
from flask import Flask, make_response

app = Flask(__name__)

@app.post("/login")
def login():
    resp = make_response("ok")
    resp.set_cookie("session_id", "abc", secure=True, httponly=True, samesite="Lax")
    return resp
