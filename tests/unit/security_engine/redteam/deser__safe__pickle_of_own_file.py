# expect: safe
import pickle

from flask import Flask, request

app = Flask(__name__)


@app.route("/predict")
def predict():
    with open("/srv/models/classifier.pkl", "rb") as fh:
        model = pickle.load(fh)
    features = [float(v) for v in request.args.getlist("f")]
    return {"label": str(model.predict([features])[0])}
