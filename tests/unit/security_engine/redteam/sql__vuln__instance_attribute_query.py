# expect: CWE-89
import sqlite3

from flask import Flask, request

app = Flask(__name__)


class UserQuery:
    def __init__(self, name):
        self.name = name

    def sql(self):
        return "SELECT * FROM users WHERE name = '" + self.name + "'"


@app.route("/u")
def u():
    query = UserQuery(request.args.get("name", ""))
    return {"rows": sqlite3.connect("a.db").execute(query.sql()).fetchall()}
