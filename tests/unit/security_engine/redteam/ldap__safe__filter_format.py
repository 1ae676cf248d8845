# expect: safe
import ldap
import ldap.filter
from flask import Flask, request

app = Flask(__name__)


@app.route("/uid")
def uid():
    conn = ldap.initialize("ldap://ldap")
    flt = ldap.filter.filter_format("(uid=%s)", [request.args.get("u", "")])
    return {"n": len(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, flt))}
