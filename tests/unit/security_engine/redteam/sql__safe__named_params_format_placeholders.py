# expect: safe
from flask import Flask, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine("sqlite:///app.db")
TABLE = "accounts"


@app.route("/acct")
def acct():
    owner = request.args.get("owner", "")
    query = text("SELECT * FROM {} WHERE owner = :owner".format(TABLE))
    with engine.connect() as conn:
        rows = conn.execute(query, {"owner": owner}).fetchall()
    return {"n": len(rows)}
