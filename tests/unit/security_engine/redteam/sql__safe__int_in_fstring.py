# expect: safe
import sqlite3

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/item")
async def item(request: Request):
    item_id = int(request.query_params.get("id", "0"))
    conn = sqlite3.connect("app.db")
    row = conn.execute(f"SELECT * FROM items WHERE id = {item_id}").fetchone()
    return {"row": row}
