# expect: safe
from fastapi import FastAPI
from sqlalchemy import text
from .db import engine

app = FastAPI()

@app.get("/user/{uid}")
def user(uid: str):
    stmt = text("SELECT * FROM users WHERE id = :uid")
    with engine.connect() as conn:
        return conn.execute(stmt, {"uid": uid}).mappings().all()
