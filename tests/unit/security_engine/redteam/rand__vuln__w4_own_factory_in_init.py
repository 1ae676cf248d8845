# expect: CWE-330
import random

from flask import Flask, jsonify

app = Flask(__name__)


class Codes:
    def __init__(self, digits=6):
        self.digits = digits

    def one_time_code(self):
        return "".join(str(random.randint(0, 9)) for _ in range(self.digits))


class Mailer:
    def __init__(self):
        self.codes = Codes(8)

    def reset_code(self):
        otp = self.codes.one_time_code()
        return otp


@app.post("/reset")
def reset():
    return jsonify({"sent": bool(Mailer().reset_code())})
