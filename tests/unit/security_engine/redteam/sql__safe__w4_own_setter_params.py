# expect: safe
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


class CustomerQuery:
    def __init__(self):
        self.customer = None

    def for_customer(self, customer):
        self.customer = customer

    def run(self, conn):
        return conn.execute("SELECT id, total FROM orders WHERE customer = ?", (self.customer,)).fetchall()


@app.route("/orders")
def orders():
    query = CustomerQuery()
    query.for_customer(request.args.get("customer", ""))
    with sqlite3.connect("/srv/app/orders.db") as conn:
        rows = query.run(conn)
    return jsonify([list(r) for r in rows])
