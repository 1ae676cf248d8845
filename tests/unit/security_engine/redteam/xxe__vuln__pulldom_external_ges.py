# expect: CWE-611
from xml.dom import pulldom
from xml.sax import make_parser
from xml.sax.handler import feature_external_ges

from flask import Flask, request

app = Flask(__name__)


@app.post("/events")
def events():
    parser = make_parser()
    parser.setFeature(feature_external_ges, True)
    stream = pulldom.parseString(request.get_data(as_text=True), parser=parser)
    return {"n": sum(1 for _ in stream)}
