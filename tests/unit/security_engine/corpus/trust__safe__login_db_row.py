from flask import Flask, abort, request, session
from werkzeug.security import check_password_hash

from .models import User

app = Flask(__name__)


@app.post("/login")
def login():
    user = User.query.filter_by(email=request.form["email"]).first()
    if user is None or not check_password_hash(user.password_hash, request.form["password"]):
        abort(401)
    session["user_id"] = user.id
    return {"ok": True}
