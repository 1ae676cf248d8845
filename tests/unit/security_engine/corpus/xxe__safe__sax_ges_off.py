import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges

from flask import Flask, request

app = Flask(__name__)


@app.post("/feed")
def feed():
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(ContentHandler())
    parser.parse(request.files["feed"])
    return {"ok": True}
