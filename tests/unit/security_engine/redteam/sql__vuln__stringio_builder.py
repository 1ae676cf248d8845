# expect: CWE-89
import io
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/s")
def s():
    buf = io.StringIO()
    buf.write("SELECT * FROM notes WHERE tag = '")
    buf.write(request.args.get("tag", ""))
    buf.write("'")
    return {"rows": sqlite3.connect("a.db").execute(buf.getvalue()).fetchall()}
