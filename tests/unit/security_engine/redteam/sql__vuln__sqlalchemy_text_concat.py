# expect: CWE-89
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
db = SQLAlchemy(app)


@app.post("/delete")
def delete():
    db.session.execute(text("DELETE FROM notes WHERE id = " + request.form["id"]))
    db.session.commit()
    return "", 204
