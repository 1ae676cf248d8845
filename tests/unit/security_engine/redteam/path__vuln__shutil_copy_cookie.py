# expect: CWE-22
import shutil

from flask import Flask, request

app = Flask(__name__)


@app.route("/backup")
def backup():
    src = request.cookies.get("last_file", "")
    shutil.copy(src, "/srv/backup/")
    return "copied"
