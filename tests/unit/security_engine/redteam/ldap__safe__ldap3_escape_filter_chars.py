# expect: safe
from flask import Flask, request
from ldap3 import Connection
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)


@app.route("/who")
def who():
    user = escape_filter_chars(request.args.get("user", ""))
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=com", f"(uid={user})")
    return {"n": len(conn.entries)}
