# expect: safe
import sqlite3

from flask import Flask, request

app = Flask(__name__)
ORDER_COLUMNS = {"name": "name", "date": "created_at", "price": "price_cents"}


@app.route("/products")
def products():
    column = ORDER_COLUMNS.get(request.args.get("sort", ""), "name")
    conn = sqlite3.connect("shop.db")
    rows = conn.execute("SELECT * FROM products ORDER BY " + column).fetchall()
    return {"rows": rows}
