# expect: safe
import sqlite3

from flask import Flask, request

app = Flask(__name__)
COLUMNS = ("name", "colour", "size")


@app.post("/filter")
def filt():
    filters = request.get_json() or {}
    chosen = [c for c in COLUMNS if c in filters]
    where = " AND ".join(f"{column} = ?" for column in chosen)
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM items WHERE " + where, [filters[c] for c in chosen]).fetchall()
    return {"rows": rows}
