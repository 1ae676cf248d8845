import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/by-ids")
def by_ids():
    ids = request.args.getlist("id")
    marks = ", ".join("?" for _ in ids)
    db = sqlite3.connect("app.db")
    rows = db.execute(f"SELECT * FROM users WHERE id IN ({marks})", ids).fetchall()
    return {"rows": rows}
