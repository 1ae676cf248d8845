# expect: CWE-79
from defusedxml import ElementTree as ET
from flask import Flask, request

app = Flask(__name__)

@app.post("/import")
def imp():
    # a namespace URI from the document reaches the HTML reply: {&lt;script&gt;...}a decodes to <script>
    return ET.fromstring(request.data).tag
