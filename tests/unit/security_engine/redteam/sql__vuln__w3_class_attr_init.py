# expect: CWE-89
import datetime as dt

import psycopg2
import psycopg2.extras
from flask import Flask, current_app, jsonify, request

app = Flask(__name__)
app.config.from_prefixed_env()


class ReportQuery:
    base = (
        "SELECT region, SUM(amount) AS total, COUNT(*) AS orders "
        "FROM orders WHERE created_at >= %s GROUP BY region"
    )

    def __init__(self, req):
        self.since = req.args.get("since") or (dt.date.today() - dt.timedelta(days=30)).isoformat()
        self.sort = req.args.get("sort", "total")
        self.direction = "DESC" if req.args.get("desc", "1") == "1" else "ASC"

    def sql(self) -> str:
        return "{} ORDER BY {} {}".format(self.base, self.sort, self.direction)

    def params(self):
        return (self.since,)


def _connect():
    return psycopg2.connect(current_app.config.get("DATABASE_URL", "dbname=sales"))


@app.get("/reports/regions")
def regions_report():
    q = ReportQuery(request)
    with _connect() as conn, conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(q.sql(), q.params())
        rows = cur.fetchall()
    return jsonify(rows)


@app.get("/reports/ping")
def ping():
    return jsonify(ok=True)
