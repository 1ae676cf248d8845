# expect: CWE-611
from datetime import datetime

from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)

INVOICE_NS = {"inv": "urn:example:invoice:1"}


def _parser():
    return etree.XMLParser(resolve_entities=True, no_network=False, load_dtd=True)


def parse_invoice(raw: bytes) -> dict:
    root = etree.fromstring(raw, parser=_parser())
    lines = []
    for line in root.iterfind("inv:line", INVOICE_NS):
        lines.append(
            {
                "sku": line.findtext("inv:sku", namespaces=INVOICE_NS),
                "description": line.findtext("inv:description", namespaces=INVOICE_NS),
                "qty": int(line.findtext("inv:qty", default="0", namespaces=INVOICE_NS)),
            }
        )
    return {
        "number": root.get("number"),
        "customer": root.findtext("inv:customer", namespaces=INVOICE_NS),
        "lines": lines,
    }


@app.post("/invoices/import")
def import_invoice():
    invoice = parse_invoice(request.get_data())
    invoice["imported_at"] = datetime.utcnow().isoformat()
    return jsonify(invoice), 201
