import ldap
import ldap.filter
from flask import Flask, request
app = Flask(__name__)

@app.get("/who")
def who():
    conn = ldap.initialize("ldap://dir")
    flt = ldap.filter.filter_format("(uid=%s)", [request.args["uid"]])
    return {"n": len(conn.search_s("dc=x", ldap.SCOPE_SUBTREE, flt))}
