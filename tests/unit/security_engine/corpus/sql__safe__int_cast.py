import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.get("/page")
def page():
    limit = int(request.args.get("limit", "10"))
    offset = int(request.args.get("offset", "0"))
    cur = sqlite3.connect("app.db").cursor()
    cur.execute(f"SELECT * FROM posts LIMIT {limit} OFFSET {offset}")
    return {"posts": cur.fetchall()}
