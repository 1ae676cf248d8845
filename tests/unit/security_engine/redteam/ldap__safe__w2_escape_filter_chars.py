# expect: safe
import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, request

app = Flask(__name__)

@app.get("/who")
def who():
    uid = escape_filter_chars(request.args["uid"])
    conn = ldap.initialize("ldap://dir")
    return str(conn.search_s("ou=people,dc=x", ldap.SCOPE_SUBTREE, "(uid=%s)" % uid))
