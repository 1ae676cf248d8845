# expect: CWE-89
import sqlite3

from fastapi import FastAPI

app = FastAPI()


def like(term: str) -> str:
    return "'%" + term + "%'"


@app.get("/books")
def books(title: str):
    conn = sqlite3.connect("library.db")
    return conn.execute("SELECT id, title FROM books WHERE title LIKE " + like(title)).fetchall()
