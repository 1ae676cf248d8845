import configparser
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/lookup")
def lookup():
    param = request.args.get("q", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "fixed", "users")
    conf.set("s", "user", param)
    table = conf.get("s", "fixed")
    cur = sqlite3.connect("a.db").cursor()
    cur.execute("SELECT * FROM " + table)
    return {"rows": cur.fetchall()}
