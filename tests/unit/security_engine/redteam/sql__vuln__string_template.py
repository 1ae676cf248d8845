# expect: CWE-89
import sqlite3
from string import Template

from flask import Flask, request

app = Flask(__name__)
QUERY = Template("SELECT * FROM orders WHERE customer = '$customer'")


@app.route("/orders")
def orders():
    customer = request.headers.get("X-Customer", "")
    conn = sqlite3.connect("orders.db")
    rows = conn.execute(QUERY.substitute(customer=customer)).fetchall()
    return {"orders": rows}
