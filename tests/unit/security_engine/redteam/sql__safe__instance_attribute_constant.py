# expect: safe
import sqlite3

from flask import Flask, request

app = Flask(__name__)


class UserQuery:
    def __init__(self, name):
        self.name = name
        self.table = "users"

    def sql(self):
        return "SELECT * FROM " + self.table + " WHERE name = ?"


@app.route("/u")
def u():
    query = UserQuery(request.args.get("name", ""))
    rows = sqlite3.connect("a.db").execute(query.sql(), (query.name,)).fetchall()
    return {"rows": rows}
