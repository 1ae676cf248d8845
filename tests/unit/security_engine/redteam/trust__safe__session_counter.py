# expect: safe
from flask import Flask, request, session

app = Flask(__name__)


@app.post("/cart/add")
def cart_add():
    _item = request.form.get("item")
    session.setdefault("adds", []).append("item-added")
    session["visits"] = session.get("visits", 0) + 1
    return "counted"
