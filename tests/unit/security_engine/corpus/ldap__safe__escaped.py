from flask import Flask, request
from ldap3 import Connection
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)


@app.route("/people")
def people():
    uid = escape_filter_chars(request.args.get("uid", ""))
    conn = Connection("ldap://dir.example.org", auto_bind=True)
    conn.search("ou=people,dc=example,dc=org", f"(uid={uid})")
    return {"n": len(conn.entries)}
