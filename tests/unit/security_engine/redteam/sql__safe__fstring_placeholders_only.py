# expect: safe
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/many")
def many():
    ids = request.args.getlist("id")
    placeholders = ", ".join("?" for _ in ids)
    conn = sqlite3.connect("app.db")
    rows = conn.execute(f"SELECT * FROM items WHERE id IN ({placeholders})", ids).fetchall()
    return {"rows": rows}
