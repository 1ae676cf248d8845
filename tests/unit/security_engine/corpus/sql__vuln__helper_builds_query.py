import psycopg2
from flask import Flask, request

app = Flask(__name__)
conn = psycopg2.connect("dbname=shop")


def order_filter(status):
    return "SELECT * FROM orders WHERE status = '%s'" % status


def run(sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


@app.post("/orders")
def orders():
    wanted = request.form["status"]
    return {"orders": run(order_filter(wanted))}
