from os import system as run_cmd
import flask
app = flask.Flask(__name__)

@app.post("/restart")
def restart():
    svc = flask.request.json["service"]
    run_cmd("systemctl restart " + svc)
    return "ok"
