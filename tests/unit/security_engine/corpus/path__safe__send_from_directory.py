from flask import Flask, send_from_directory

app = Flask(__name__)


@app.route("/files/<name>")
def files(name):
    return send_from_directory("/srv/files", name)
