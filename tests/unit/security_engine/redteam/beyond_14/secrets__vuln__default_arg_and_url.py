# expect: CWE-798
import contextlib
import logging

import psycopg2
from sqlalchemy import create_engine, text

log = logging.getLogger("ledger.sync")

WAREHOUSE_URL = "postgresql+psycopg2://etl_loader:Wh5-Lo4der-2023!@warehouse.corp.example.com:5432/analytics"


def ledger_connection(host="ledger-db.corp.example.com", user="ledger_sync", password="Qm8!vT3rLedger#77", dbname="ledger"):
    return psycopg2.connect(host=host, user=user, password=password, dbname=dbname, connect_timeout=10)


def fetch_postings(since):
    with contextlib.closing(ledger_connection()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, account, amount, posted_at FROM postings WHERE posted_at > %s ORDER BY posted_at",
            (since,),
        )
        return cur.fetchall()


def load_into_warehouse(rows):
    engine = create_engine(WAREHOUSE_URL, pool_pre_ping=True)
    with engine.begin() as conn:
        for row in rows:
            conn.execute(
                text("INSERT INTO ledger_postings (id, account, amount, posted_at) VALUES (:i, :a, :m, :p) ON CONFLICT DO NOTHING"),
                {"i": row[0], "a": row[1], "m": row[2], "p": row[3]},
            )
    return len(rows)


def run(since):
    rows = fetch_postings(since)
    loaded = load_into_warehouse(rows)
    log.info("synced %d postings", loaded)
    return loaded


if __name__ == "__main__":
    import datetime as dt

    logging.basicConfig(level=logging.INFO)
    run(dt.datetime.now() - dt.timedelta(days=1))
