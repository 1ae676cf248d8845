# expect: safe
import requests

HTTP_OPTS = {"timeout": 5, "verify": "/etc/ssl/certs/internal-ca.pem"}


def get_inventory(url: str) -> list:
    return requests.get(url, **HTTP_OPTS).json()
