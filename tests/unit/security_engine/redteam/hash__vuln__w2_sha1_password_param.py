# expect: CWE-328
import hashlib

def store_user(db, username, password):
    digest = hashlib.sha1(password.encode()).hexdigest()
    db.insert(username=username, pw=digest)
