# expect: CWE-22
import os

from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/srv/uploads"


@app.post("/upload")
def upload():
    storage = request.files["document"]
    target = os.path.join(UPLOADS, storage.filename)
    with open(target, "wb") as out:
        out.write(storage.read())
    return {"saved": target}
