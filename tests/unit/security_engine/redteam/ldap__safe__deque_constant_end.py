# expect: safe
from collections import deque

from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)


@app.route("/dq")
def dq():
    queue = deque([request.args.get("f", "")])
    queue.append("(objectClass=*)")
    flt = queue.pop()
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=com", flt)
    return {"n": len(conn.entries)}
