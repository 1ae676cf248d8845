# expect: CWE-95
import math
import os
from decimal import Decimal

from flask import Flask, jsonify, request

app = Flask(__name__)
app.secret_key = os.environ["PRICING_SECRET_KEY"]

BASE_RATES = {"standard": Decimal("9.90"), "express": Decimal("19.90")}


class PricingRule:
    def __init__(self, name: str, spec: dict):
        self.name = name
        self.spec = spec

    def evaluate(self, weight: float, distance: float) -> float:
        env = {"weight": weight, "distance": distance, "math": math}
        return float(eval(self.spec["formula"], {"__builtins__": {}}, env))


def _rule_from_payload(payload: dict) -> PricingRule:
    spec = {
        "formula": payload.get("formula", "weight * 0.5"),
        "currency": payload.get("currency", "EUR"),
    }
    return PricingRule(payload.get("name", "adhoc"), spec)


@app.post("/pricing/preview")
def preview():
    payload = request.get_json(force=True) or {}
    rule = _rule_from_payload(payload)
    weight = float(payload.get("weight", 1))
    distance = float(payload.get("distance", 10))
    surcharge = rule.evaluate(weight, distance)
    base = BASE_RATES.get(payload.get("service", "standard"), BASE_RATES["standard"])
    return jsonify(rule=rule.name, total=round(float(base) + surcharge, 2), currency=rule.spec["currency"])


@app.get("/pricing/services")
def services():
    return jsonify({k: str(v) for k, v in BASE_RATES.items()})
