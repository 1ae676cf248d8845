# expect: CWE-90
import ldap
from flask import Flask, request

app = Flask(__name__)

@app.get("/who")
def who():
    uid = request.args["uid"]
    conn = ldap.initialize("ldap://dir")
    return str(conn.search_s("ou=people,dc=x", ldap.SCOPE_SUBTREE, "(uid=%s)" % uid))
