# expect: CWE-501
from flask import Flask, request, session

app = Flask(__name__)


@app.post("/cart/add")
def cart_add():
    session.setdefault("cart", []).append(request.form["item"])
    session.modified = True
    return "added"
