# expect: CWE-643
from flask import Flask, request

app = Flask(__name__)


@app.route("/staff/find")
def staff_find():
    import lxml.etree

    values = request.args.getlist("dept")
    dept = values[0] if values else ""
    root = lxml.etree.parse("/srv/data/staff.xml")
    found = root.xpath("/staff/person[@dept='" + dept + "']/name/text()")
    return ", ".join(str(n) for n in found)
