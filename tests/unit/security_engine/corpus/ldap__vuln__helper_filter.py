import ldap3
from fastapi import FastAPI

app = FastAPI()


def mail_filter(address):
    return "(mail=" + address + ")"


@app.get("/who")
def who(email: str):
    conn = ldap3.Connection("ldap://dir", auto_bind=True)
    conn.search("dc=corp", mail_filter(email), attributes=["cn"])
    return [e.cn.value for e in conn.entries]
