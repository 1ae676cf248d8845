# expect: CWE-89
import os

import aiosqlite
from fastapi import Depends, FastAPI, HTTPException

DB_FILE = os.getenv("CRM_DB", "crm.sqlite3")

app = FastAPI()


async def get_conn():
    conn = await aiosqlite.connect(DB_FILE)
    conn.row_factory = aiosqlite.Row
    try:
        yield conn
    finally:
        await conn.close()


@app.get("/customers/by-email")
async def customer_by_email(email: str, conn=Depends(get_conn)):
    query = "SELECT id, name, email, tier FROM customers WHERE email = '%s'" % email
    async with conn.execute(query) as cur:
        row = await cur.fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="customer not found")
    return dict(row)


@app.get("/customers/count")
async def customer_count(conn=Depends(get_conn)):
    async with conn.execute("SELECT COUNT(*) FROM customers") as cur:
        (n,) = await cur.fetchone()
    return {"count": n}
