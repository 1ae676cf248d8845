import asyncpg
from fastapi import FastAPI
app = FastAPI()

@app.get("/u")
async def u(email: str):
    conn = await asyncpg.connect("postgresql://localhost/app")
    return await conn.fetch("SELECT * FROM users WHERE email = $1", email)
