import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/users")
def users():
    name = request.args.get("name", "")
    db = sqlite3.connect("app.db")
    rows = db.execute(f"SELECT id, email FROM users WHERE name = '{name}'").fetchall()
    return {"rows": rows}
