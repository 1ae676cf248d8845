# expect: CWE-295
import logging
import os
import time

import requests

log = logging.getLogger("inventory.sync")

VENDOR_API = "https://vendor-gateway.partner.example.net/api/v3"
HTTP_OPTIONS = {
    "timeout": (5, 30),
    "verify": False,
    "headers": {"Accept": "application/json", "User-Agent": "inventory-sync/2.3"},
}


class VendorClient:
    def __init__(self, token: str):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _get(self, path: str, **params):
        resp = self.session.get(VENDOR_API + path, params=params, **HTTP_OPTIONS)
        resp.raise_for_status()
        return resp.json()

    def stock_levels(self, page: int = 1):
        return self._get("/stock", page=page, per_page=200)

    def iter_stock(self):
        page = 1
        while True:
            data = self.stock_levels(page)
            yield from data.get("items", [])
            if not data.get("next_page"):
                break
            page += 1
            time.sleep(0.2)


def main():
    logging.basicConfig(level=logging.INFO)
    client = VendorClient(os.environ["VENDOR_TOKEN"])
    total = sum(1 for _ in client.iter_stock())
    log.info("fetched %d stock rows", total)


if __name__ == "__main__":
    main()
