# expect: safe
import secrets
import string
import time

from flask import Flask, jsonify, request

from .mailer import send_sms
from .store import codes, users_by_phone

app = Flask(__name__)

CODE_TTL = 600
ALPHABET = string.ascii_letters + string.digits


def new_verification_code(length: int = 6) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(length))


def new_api_key() -> str:
    return "ak_" + "".join(secrets.choice(ALPHABET) for _ in range(40))


@app.post("/password/forgot")
def forgot_password():
    phone = request.form.get("phone", "")
    user = users_by_phone.get(phone)
    if user is not None:
        code = new_verification_code()
        codes[user.id] = (code, time.time() + CODE_TTL)
        send_sms(phone, f"Your reset code is {code}")
    return jsonify(sent=True)


@app.post("/api-keys")
def create_key():
    return jsonify(key=new_api_key(), session=secrets.token_urlsafe(32))
