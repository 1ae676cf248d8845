# expect: safe
from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    user = request.form.get("user", "")
    if not user.isalnum():
        return {"ok": False}, 400
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=corp", "(uid=%s)" % user)
    return {"ok": bool(conn.entries)}
