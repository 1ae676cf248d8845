# expect: CWE-90
from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)
server = Server("ldap://ldap.internal")


@app.route("/who")
def who():
    user = request.args.get("user", "")
    conn = Connection(server, auto_bind=True)
    conn.search("dc=example,dc=com", f"(uid={user})", attributes=["cn"])
    return {"entries": [str(e) for e in conn.entries]}
