# expect: CWE-89
import sqlite3
from flask import Flask, request, jsonify, g

app = Flask(__name__)
DB_PATH = "/srv/app/orders.db"


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(DB_PATH)
    return g.db


class OrderFilter:
    def __init__(self):
        self._status = "open"
        self._customer = None

    def set_customer(self, customer):
        self._customer = customer

    def get_customer(self):
        return self._customer

    def where(self):
        return "status = '{}' AND customer = '{}'".format(self._status, self.get_customer())


@app.route("/orders")
def orders():
    flt = OrderFilter()
    flt.set_customer(request.values.get("customer", ""))
    cur = get_db().execute("SELECT id, total FROM orders WHERE " + flt.where())
    return jsonify([{"id": r[0], "total": r[1]} for r in cur.fetchall()])
