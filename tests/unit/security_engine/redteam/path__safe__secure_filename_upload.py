# expect: safe
import os

from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)


@app.post("/upload")
def upload():
    storage = request.files["document"]
    filename = secure_filename(storage.filename)
    with open(os.path.join("/srv/uploads", filename), "wb") as out:
        out.write(storage.read())
    return {"saved": filename}
