from lxml.etree import fromstring as parse_xml, XMLParser
from flask import Flask, request
app = Flask(__name__)
PARSER = XMLParser(resolve_entities=True)

@app.post("/x")
def x():
    root = parse_xml(request.data, PARSER)
    return root.tag
