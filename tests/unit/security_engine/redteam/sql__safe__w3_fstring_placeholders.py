# expect: safe
import sqlite3
from contextlib import closing

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
DB = "library.db"
MAX_IDS = 100


def _connect():
    conn = sqlite3.connect(DB)
    conn.row_factory = sqlite3.Row
    return conn


def fetch_books(ids: list[str]) -> list[dict]:
    placeholders = ", ".join("?" for _ in ids)
    sql = f"SELECT id, title, author FROM books WHERE id IN ({placeholders}) ORDER BY title"
    with closing(_connect()) as conn:
        rows = conn.execute(sql, ids).fetchall()
    return [dict(r) for r in rows]


def fetch_by_author(author: str) -> list[dict]:
    table = "books"
    sql = f"SELECT id, title FROM {table} WHERE author = ?"
    with closing(_connect()) as conn:
        return [dict(r) for r in conn.execute(sql, (author,))]


@app.get("/books")
def books():
    ids = request.args.getlist("id")
    if not ids or len(ids) > MAX_IDS:
        abort(400)
    return jsonify(fetch_books(ids))


@app.get("/books/by-author")
def by_author():
    author = request.args.get("author", "")
    return jsonify(fetch_by_author(author))
