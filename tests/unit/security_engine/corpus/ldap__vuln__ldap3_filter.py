from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)


@app.route("/people")
def people():
    uid = request.args.get("uid", "")
    conn = Connection(Server("ldap://dir.example.org"), auto_bind=True)
    conn.search("ou=people,dc=example,dc=org", f"(&(objectClass=person)(uid={uid}))")
    return {"n": len(conn.entries)}
