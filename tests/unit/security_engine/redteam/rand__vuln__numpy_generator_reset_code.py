# expect: CWE-330
import numpy as np
from flask import Flask

app = Flask(__name__)
RNG = np.random.default_rng()


@app.post("/password/forgot")
def forgot():
    reset_code = int(RNG.integers(100000, 999999))
    return {"sent": True, "reset_code_len": len(str(reset_code)), "debug": reset_code}
