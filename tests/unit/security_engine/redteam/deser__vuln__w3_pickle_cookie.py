# expect: CWE-502
import base64
import os
import pickle
from dataclasses import dataclass, field

from flask import Flask, jsonify, make_response, request

app = Flask(__name__)
app.secret_key = os.environ.get("SHOP_SECRET_KEY")

CART_COOKIE = "cart"


@dataclass
class Cart:
    items: dict = field(default_factory=dict)

    def add(self, sku: str, qty: int = 1):
        self.items[sku] = self.items.get(sku, 0) + qty

    @property
    def count(self) -> int:
        return sum(self.items.values())


def load_cart() -> Cart:
    raw = request.cookies.get(CART_COOKIE)
    if not raw:
        return Cart()
    return pickle.loads(base64.urlsafe_b64decode(raw))


def save_cart(resp, cart: Cart):
    blob = base64.urlsafe_b64encode(pickle.dumps(cart)).decode()
    resp.set_cookie(CART_COOKIE, blob, secure=True, httponly=True, samesite="Lax")
    return resp


@app.post("/cart/add")
def add_to_cart():
    cart = load_cart()
    cart.add(request.form["sku"], int(request.form.get("qty", 1)))
    return save_cart(make_response(jsonify(count=cart.count)), cart)


@app.get("/cart")
def view_cart():
    return jsonify(load_cart().items)
