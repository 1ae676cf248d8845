# expect: CWE-643
from fastapi import FastAPI, Request
from lxml import etree

app = FastAPI()
DOC = etree.parse("inventory.xml")


@app.get("/price")
async def price(request: Request):
    sku = request.query_params.get("sku", "")
    found = DOC.xpath("//item[@sku='{}']/price/text()".format(sku))
    return {"price": found[0] if found else None}
