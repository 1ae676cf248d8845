# expect: safe
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("books.xml")
QUERIES = {"cheap": "//book[price < 10]", "new": "//book[year > 2020]"}


@app.route("/q")
def q():
    query = QUERIES.get(request.args.get("which", ""), "//book")
    return {"n": len(DOC.xpath(query))}
