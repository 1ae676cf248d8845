# expect: safe
import logging
import os

import pymysql
from flask import Flask, jsonify, request

app = Flask(__name__)
log = logging.getLogger("metrics")

DB_CONFIG = {
    "host": os.environ.get("METRICS_DB_HOST", "localhost"),
    "user": os.environ.get("METRICS_DB_USER", "metrics"),
    "password": os.environ.get("METRICS_DB_PASSWORD"),
    "database": "metrics",
}


def _conn():
    return pymysql.connect(cursorclass=pymysql.cursors.DictCursor, **DB_CONFIG)


@app.get("/metrics/latest")
def latest():
    table = request.args.get("table", "events")
    if table != "events":
        log.info("ignoring requested table override; only the events table is exposed")
    table = "events"
    sql = "SELECT name, value, recorded_at FROM " + table + " ORDER BY recorded_at DESC LIMIT 20"
    with _conn() as conn, conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    return jsonify(rows)


@app.get("/metrics/<name>")
def by_name(name: str):
    with _conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT value, recorded_at FROM events WHERE name = %s ORDER BY recorded_at DESC LIMIT 100", (name,))
        rows = cur.fetchall()
    return jsonify(rows)
