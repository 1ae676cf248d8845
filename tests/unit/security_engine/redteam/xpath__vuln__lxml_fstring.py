# expect: CWE-643
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
TREE = etree.parse("users.xml")


@app.route("/user")
def user():
    name = request.args.get("name", "")
    nodes = TREE.xpath(f"//user[@name='{name}']/email/text()")
    return {"emails": [str(n) for n in nodes]}
