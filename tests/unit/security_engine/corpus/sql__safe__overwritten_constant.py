import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/report")
def report():
    table = request.args.get("table")
    table = "daily_report"  # the parameter is ignored on purpose
    cur = sqlite3.connect("r.db").cursor()
    cur.execute("SELECT * FROM " + table)
    return {"rows": cur.fetchall()}
