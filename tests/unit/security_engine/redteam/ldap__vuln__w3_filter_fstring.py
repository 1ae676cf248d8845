# expect: CWE-90
import os

import ldap
from flask import Flask, jsonify, request

app = Flask(__name__)

LDAP_URI = os.environ.get("LDAP_URI", "ldaps://ldap.corp.example.com")
BASE_DN = "ou=people,dc=corp,dc=example,dc=com"
ATTRS = ["cn", "mail", "telephoneNumber", "title"]


def _bind():
    conn = ldap.initialize(LDAP_URI)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.simple_bind_s(os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PASSWORD"])
    return conn


def _decode(entry: dict) -> dict:
    return {k: [v.decode("utf-8", "replace") for v in vals] for k, vals in entry.items()}


@app.get("/people/search")
def people_search():
    name = request.args.get("name", "")
    dept = request.args.get("dept")
    search_filter = f"(&(objectClass=person)(cn=*{name}*))"
    if dept:
        search_filter = f"(&{search_filter}(departmentNumber={dept}))"
    conn = _bind()
    try:
        results = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, search_filter, ATTRS)
    finally:
        conn.unbind_s()
    return jsonify([{"dn": dn, **_decode(attrs)} for dn, attrs in results if dn])
