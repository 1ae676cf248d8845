import subprocess

from fastapi import FastAPI

app = FastAPI()


@app.get("/whois/{domain}")
def whois(domain: str):
    proc = subprocess.run(["whois", "--", domain], capture_output=True, text=True, check=False)
    return {"text": proc.stdout}
