# expect: CWE-22
from flask import Flask, request

app = Flask(__name__)


@app.put("/notes")
def put_note():
    name = request.get_data(as_text=True).strip()
    with open("/srv/notes/" + name, "w") as fh:
        fh.write("created")
    return "ok"
