# expect: safe
import random
import uuid

from flask import Flask

app = Flask(__name__)


@app.route("/id")
def rid():
    request_id = str(uuid.uuid4())
    shard = random.randint(0, 7)
    return {"request_id": request_id, "shard": shard}
