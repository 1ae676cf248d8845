# expect: CWE-90
from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)


@app.route("/ou")
def ou():
    unit = request.args.get("ou", "")
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search(search_base=f"ou={unit},dc=example,dc=com", search_filter="(objectClass=person)")
    return {"n": len(conn.entries)}
