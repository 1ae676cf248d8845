# expect: CWE-89
import os
import sqlite3

from flask import Flask, g, jsonify, request

app = Flask(__name__)
DB_PATH = os.environ.get("INVENTORY_DB", "inventory.db")

PAGE_SIZE = 25


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(DB_PATH)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(_exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def build_filter(column: str, value: str) -> str:
    return f"{column} LIKE '%{value}%'"


def product_query(where: str, page: int) -> str:
    offset = max(page - 1, 0) * PAGE_SIZE
    return (
        "SELECT id, sku, name, qty FROM products "
        "WHERE " + where + f" ORDER BY name LIMIT {PAGE_SIZE} OFFSET {offset}"
    )


@app.get("/products/search")
def search_products():
    term = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    clause = build_filter("name", term)
    sql = product_query(clause, page)
    rows = get_db().execute(sql).fetchall()
    return jsonify([dict(r) for r in rows])


@app.get("/products/<int:product_id>")
def get_product(product_id: int):
    row = get_db().execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(dict(row))
