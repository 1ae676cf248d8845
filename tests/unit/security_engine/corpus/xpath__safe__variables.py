from flask import Flask, request
from lxml import etree

app = Flask(__name__)
USERS = etree.parse("users.xml")


@app.route("/user")
def user():
    login = request.args.get("login", "")
    found = USERS.xpath("//user[@login=$login]/email/text()", login=login)
    return {"emails": [str(x) for x in found]}
