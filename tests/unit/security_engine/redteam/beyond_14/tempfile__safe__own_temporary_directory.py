# expect: safe
import os
import subprocess
import tempfile


def render_pdf(html: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.pdf")
        subprocess.run(["wkhtmltopdf", "-", out], input=html.encode(), check=True)
        with open(out, "rb") as fh:
            return fh.read()
