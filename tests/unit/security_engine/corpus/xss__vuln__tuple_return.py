from flask import Flask, request
app = Flask(__name__)

@app.errorhandler(404)
@app.route("/missing")
def missing():
    path = request.path
    return f"<p>{path} was not found</p>", 404
