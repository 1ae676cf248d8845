# expect: CWE-89
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.post("/filter")
def filt():
    filters = request.get_json() or {}
    where = " AND ".join(f"{column} = ?" for column in filters)
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM items WHERE " + where, list(filters.values())).fetchall()
    return {"rows": rows}
