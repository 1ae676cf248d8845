# expect: safe
import logging

from flask import Flask, jsonify, request

app = Flask(__name__)
log = logging.getLogger("shop")


@app.post("/coupon")
def coupon():
    code = request.form.get("code", "").replace("\r", "").replace("\n", "")
    log.info("coupon tried: %s", code)
    return jsonify(ok=False)
