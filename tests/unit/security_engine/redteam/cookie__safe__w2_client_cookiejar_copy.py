# expect: safe
import copy
from http.cookiejar import CookieJar

def merge(dst: CookieJar, src: CookieJar) -> CookieJar:
    for cookie in src:
        dst.set_cookie(copy.copy(cookie))
    for c in src:
        dst.set_cookie(c)
    return dst

def add(cookiejar, cookie_in_jar):
    cookiejar.set_cookie(cookie_in_jar)
