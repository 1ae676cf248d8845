# expect: safe
import uuid
from pathlib import Path

from fastapi import FastAPI, HTTPException, UploadFile
from fastapi.responses import FileResponse

app = FastAPI()

STORE = Path("/var/lib/invoices")


def invoice_path(invoice_id: str) -> Path:
    try:
        key = uuid.UUID(invoice_id)
    except ValueError:
        raise HTTPException(status_code=400, detail="invalid invoice id")
    return STORE / f"{key.hex}.pdf"


@app.get("/invoices/{invoice_id}")
async def get_invoice(invoice_id: str):
    path = invoice_path(invoice_id)
    if not path.exists():
        raise HTTPException(status_code=404)
    return FileResponse(path, media_type="application/pdf")


@app.post("/invoices")
async def upload_invoice(file: UploadFile):
    key = uuid.uuid4()
    path = STORE / f"{key.hex}.pdf"
    path.write_bytes(await file.read())
    return {"id": str(key), "original_name": file.filename}
