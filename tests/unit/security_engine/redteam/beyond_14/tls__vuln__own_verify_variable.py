# expect: CWE-295
import requests


def push_metrics(url: str, payload: dict) -> int:
    check_cert = False
    resp = requests.post(url, json=payload, timeout=5, verify=check_cert)
    return resp.status_code
