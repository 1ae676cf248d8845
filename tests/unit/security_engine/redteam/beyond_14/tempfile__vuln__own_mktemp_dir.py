# expect: CWE-377
import subprocess
import tempfile


def render_pdf(html: str) -> bytes:
    out = tempfile.mktemp(suffix=".pdf", dir="/var/tmp")
    subprocess.run(["wkhtmltopdf", "-", out], input=html.encode(), check=True)
    with open(out, "rb") as fh:
        return fh.read()
