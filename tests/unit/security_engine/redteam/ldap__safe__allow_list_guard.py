# expect: safe
from flask import Flask, abort, request
from ldap3 import Connection

app = Flask(__name__)
KNOWN_TEAMS = {"ops", "dev", "sales"}


@app.route("/team")
def team():
    name = request.args.get("team", "")
    if name not in KNOWN_TEAMS:
        abort(404)
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=com", "(ou=" + name + ")")
    return {"n": len(conn.entries)}
