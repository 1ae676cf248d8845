# expect: CWE-90
from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)


@app.post("/lookup")
def lookup():
    uid = request.form.get("uid", "")
    parts = []
    parts.append("(uid=")
    parts.append(uid)
    parts.append(")")
    search_filter = "".join(parts)
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=com", search_filter)
    return {"n": len(conn.entries)}
