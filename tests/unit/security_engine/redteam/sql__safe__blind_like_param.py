# expect: safe
import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.get("/books")
def books(title: str):
    conn = sqlite3.connect("library.db")
    return conn.execute("SELECT id, title FROM books WHERE title LIKE ?", (f"%{title}%",)).fetchall()
