# expect: CWE-611
from flask import Flask, request

app = Flask(__name__)


@app.route("/feed/count", methods=["POST"])
def feed_count():
    import io
    import xml.sax

    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    handler = xml.sax.handler.ContentHandler()
    parser.setContentHandler(handler)
    parser.parse(io.StringIO(request.get_data(as_text=True)))
    return "parsed"
