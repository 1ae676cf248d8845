import random
from flask import Flask
app = Flask(__name__)

@app.get("/roll")
def roll():
    dice = random.randint(1, 6)
    return {"dice": dice}
