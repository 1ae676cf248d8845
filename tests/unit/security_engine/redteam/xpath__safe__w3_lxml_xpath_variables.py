# expect: safe
import os

from flask import Flask, abort, jsonify, request
from lxml import etree

app = Flask(__name__)

DIRECTORY_FILE = os.environ.get("STAFF_DIRECTORY", "/etc/app/staff.xml")
_tree = None

FIND_EMPLOYEE = etree.XPath("//department[@code=$dept]/employee[surname=$surname]")


def directory():
    global _tree
    if _tree is None:
        _tree = etree.parse(DIRECTORY_FILE, etree.XMLParser(resolve_entities=False, no_network=True))
    return _tree


@app.get("/staff/lookup")
def lookup():
    dept = request.args.get("dept", "ENG")
    surname = request.args.get("surname", "")
    if not surname:
        abort(400)
    nodes = FIND_EMPLOYEE(directory(), dept=dept, surname=surname)
    rooms = directory().xpath("//employee[surname=$s]/room/text()", s=surname)
    return jsonify(
        {
            "matches": [{"surname": n.findtext("surname"), "extension": n.findtext("extension")} for n in nodes],
            "rooms": [str(r) for r in rooms],
        }
    )
