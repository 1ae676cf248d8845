# expect: CWE-89
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


class Listing:
    order = "id"

    def __init__(self, order):
        self.order = order

    def rows(self):
        with sqlite3.connect("shop.db") as db:
            return db.execute(f"SELECT * FROM products ORDER BY {self.order}").fetchall()


@app.get("/products")
def products():
    return jsonify(Listing(request.args.get("sort", "id")).rows())
