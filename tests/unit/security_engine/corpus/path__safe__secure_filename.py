import os

from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)


@app.post("/upload")
def upload():
    f = request.files["doc"]
    safe = secure_filename(f.filename)
    f.save(os.path.join("/srv/uploads", safe))
    with open(os.path.join("/srv/uploads", safe), "rb") as fh:
        return {"size": len(fh.read())}
