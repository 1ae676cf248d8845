from fastapi import FastAPI
from sqlalchemy import create_engine, text

app = FastAPI()
engine = create_engine("sqlite:///inventory.db")


@app.get("/items/{category}")
def items(category: str, sort: str = "name"):
    stmt = text("SELECT * FROM items WHERE category = '{}' ORDER BY {}".format(category, sort))
    with engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(stmt)]
