# expect: CWE-79
from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    who = request.cookies.get("who", "guest")
    return render_template_string("<p>Welcome back, " + who + "</p>")
