# expect: CWE-643
import os

from flask import Flask, abort, jsonify, request
from lxml import etree

app = Flask(__name__)

DIRECTORY_FILE = os.environ.get("STAFF_DIRECTORY", "/etc/app/staff.xml")
_tree = None


def directory():
    global _tree
    if _tree is None:
        _tree = etree.parse(DIRECTORY_FILE, etree.XMLParser(resolve_entities=False, no_network=True))
    return _tree


def _employee_expr(department: str, surname: str) -> str:
    expr = "//department[@code='%s']" % department
    expr += "/employee[surname='%s']" % surname
    return expr


@app.get("/staff/lookup")
def lookup():
    dept = request.args.get("dept", "ENG")
    surname = request.args.get("surname", "")
    if not surname:
        abort(400)
    nodes = directory().xpath(_employee_expr(dept, surname))
    return jsonify(
        [
            {"surname": n.findtext("surname"), "extension": n.findtext("extension"), "room": n.findtext("room")}
            for n in nodes
        ]
    )


@app.get("/staff/departments")
def departments():
    return jsonify(sorted(set(directory().xpath("//department/@code"))))
