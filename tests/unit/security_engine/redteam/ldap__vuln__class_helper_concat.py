# expect: CWE-90
from flask import Flask, request
from ldap3 import Connection

app = Flask(__name__)
BASE = "ou=staff,dc=corp,dc=local"


class Directory:
    def __init__(self):
        self.conn = Connection("ldap://dir.corp.local", auto_bind=True)

    def by_mail(self, mail):
        self.conn.search(BASE, "(mail=" + mail + ")")
        return self.conn.entries


@app.route("/staff")
def staff():
    return {"found": len(Directory().by_mail(request.args["mail"]))}
