import sqlite3
from flask import Flask, request
app = Flask(__name__)
ORDER = {"new": "created DESC", "old": "created ASC"}

@app.get("/posts")
def posts():
    order = ORDER.get(request.args.get("sort"), "created DESC")
    db = sqlite3.connect("a.db")
    return {"p": db.execute(f"SELECT * FROM posts ORDER BY {order}").fetchall()}
