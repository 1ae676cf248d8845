# expect: CWE-330
import random
import time

from flask import Flask, jsonify, request

from .mailer import send_sms
from .store import codes, users_by_phone

app = Flask(__name__)

CODE_TTL = 600


def new_verification_code(length: int = 6) -> str:
    return "".join(str(random.randint(0, 9)) for _ in range(length))


@app.post("/password/forgot")
def forgot_password():
    phone = request.form.get("phone", "")
    user = users_by_phone.get(phone)
    if user is not None:
        code = new_verification_code()
        codes[user.id] = (code, time.time() + CODE_TTL)
        send_sms(phone, f"Your reset code is {code}")
    return jsonify(sent=True)


@app.post("/password/verify")
def verify_code():
    user = users_by_phone.get(request.form.get("phone", ""))
    if user is None:
        return jsonify(ok=False), 400
    code, expires = codes.get(user.id, (None, 0))
    ok = code is not None and time.time() < expires and request.form.get("code") == code
    return jsonify(ok=ok)
