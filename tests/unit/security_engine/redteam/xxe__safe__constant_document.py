# expect: safe
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
TEMPLATE = "<config><mode>read</mode></config>"


@app.route("/mode")
def mode():
    _ = request.args.get("x")
    parser = etree.XMLParser(resolve_entities=True)
    root = etree.fromstring(TEMPLATE.encode(), parser)
    return {"mode": root.findtext("mode")}
