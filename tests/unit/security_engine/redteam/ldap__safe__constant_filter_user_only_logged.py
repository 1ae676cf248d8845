# expect: safe
import logging

from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/everyone")
def everyone():
    who = request.args.get("who", "")
    log.info("listing requested by %s", who)
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=com", "(objectClass=person)")
    return {"n": len(conn.entries)}
