# expect: CWE-611
import lxml.etree as ET
from fastapi import FastAPI, Request

app = FastAPI()
PARSER = ET.XMLParser(load_dtd=True, resolve_entities=True)


@app.post("/xml")
async def xml(request: Request):
    payload = await request.body()
    return {"tag": ET.fromstring(payload, PARSER).tag}
