# expect: CWE-501
import os

from flask import Flask, abort, jsonify, redirect, request, session, url_for

app = Flask(__name__)
app.secret_key = os.environ["WIZARD_SECRET_KEY"]

STEPS = ("account", "plan", "confirm")


def _form_state(form) -> dict:
    return {
        "email": form.get("email", ""),
        "plan": form.get("plan", "free"),
        "account_type": form.get("account_type", "user"),
    }


@app.post("/signup/<step>")
def signup_step(step: str):
    if step not in STEPS:
        abort(404)
    state = _form_state(request.form)
    session["signup_email"] = state["email"]
    session["plan"] = state["plan"]
    session["role"] = state["account_type"]
    nxt = STEPS.index(step) + 1
    if nxt < len(STEPS):
        return redirect(url_for("signup_page", step=STEPS[nxt]))
    return redirect(url_for("admin_home" if session.get("role") == "admin" else "home"))


@app.get("/signup/<step>")
def signup_page(step: str):
    return jsonify(step=step, email=session.get("signup_email"))


@app.get("/admin")
def admin_home():
    if session.get("role") != "admin":
        abort(403)
    return jsonify(area="admin")


@app.get("/")
def home():
    return jsonify(area="home")
