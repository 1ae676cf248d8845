# expect: CWE-502
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.post("/config")
def config():
    data = yaml.load(request.get_data(as_text=True), Loader=yaml.Loader)
    return {"keys": sorted(data)}
