# expect: CWE-90
from fastapi import FastAPI, Request
from ldap3 import Connection, SUBTREE

app = FastAPI()


@app.get("/groups")
def groups(request: Request):
    login = request.headers.get("X-Remote-User", "")
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=org", "(&(objectClass=group)(member=uid={},dc=example,dc=org))".format(login), SUBTREE)
    return {"groups": [e.entry_dn for e in conn.entries]}
