# expect: safe
import os

from flask import Flask, abort, jsonify, request, session
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash

app = Flask(__name__)
app.secret_key = os.environ["PORTAL_SECRET_KEY"]
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["PORTAL_DATABASE_URL"]
db = SQLAlchemy(app)


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(20), nullable=False, default="user")


@app.post("/session")
def create_session():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    account = Account.query.filter_by(email=email).first()
    if account is None or not check_password_hash(account.password_hash, password):
        abort(401)
    session.clear()
    session["account_id"] = account.id
    session["role"] = account.role
    return jsonify(ok=True)


@app.delete("/session")
def destroy_session():
    session.clear()
    return jsonify(ok=True)
