# expect: CWE-78
import html
import os

from flask import request, Flask

app = Flask(__name__)


@app.route("/dig")
def dig():
    domain = html.escape(request.values.get("domain", ""))
    os.system("dig +short {}".format(domain))
    return "queued"
