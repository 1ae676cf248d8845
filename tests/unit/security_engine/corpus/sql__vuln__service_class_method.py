import sqlite3

from flask import Flask, request

app = Flask(__name__)


class UserService:
    def __init__(self, db):
        self.db = db

    def find(self, name):
        return self.db.execute(f"SELECT * FROM users WHERE name = '{name}'")


service = UserService(sqlite3.connect("users.db"))


@app.route("/user")
def user():
    return {"user": service.find(request.args["name"]).fetchall()}
