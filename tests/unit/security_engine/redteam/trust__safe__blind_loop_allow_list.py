# expect: safe
from flask import Flask, request, session

app = Flask(__name__)
CHOICES = {"theme": ("light", "dark"), "lang": ("en", "fr")}


@app.post("/prefs")
def prefs():
    for key, allowed in CHOICES.items():
        value = request.form.get(key, allowed[0])
        session[key] = value if value in allowed else allowed[0]
    return "saved"
