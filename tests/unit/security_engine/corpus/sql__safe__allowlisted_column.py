import sqlite3

from flask import Flask, abort, request

app = Flask(__name__)
SORTABLE = {"name", "created", "price"}


@app.get("/products")
def products():
    column = request.args.get("sort", "name")
    if column not in SORTABLE:
        abort(400)
    cur = sqlite3.connect("shop.db").cursor()
    cur.execute(f"SELECT * FROM products ORDER BY {column}")
    return {"products": cur.fetchall()}
