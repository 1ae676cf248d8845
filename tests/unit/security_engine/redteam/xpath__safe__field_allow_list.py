# expect: safe
from flask import Flask, abort, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("books.xml")


@app.route("/field")
def field():
    name = request.args.get("field", "title")
    if name not in ("title", "author", "year"):
        abort(400)
    return {"values": [str(v) for v in DOC.xpath(f"//book/{name}/text()")]}
