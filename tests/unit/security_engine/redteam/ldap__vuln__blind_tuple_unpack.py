# expect: CWE-90
from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    user, group = request.form.get("user", ""), request.form.get("group", "")
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=corp", "(&(uid=%s)(memberOf=cn=%s,ou=groups,dc=corp))" % (user, group))
    return {"ok": bool(conn.entries)}
