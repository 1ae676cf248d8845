# expect: CWE-328
import hashlib
import hmac
import os

from django.db import IntegrityError
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Member

SECURITY = {
    "password_digest": "sha1",
    "salt_bytes": 8,
    "min_length": 8,
}


def _digest(password: str, salt: str) -> str:
    h = hashlib.new(SECURITY["password_digest"])
    h.update((salt + password).encode())
    return h.hexdigest()


def make_password_record(password: str) -> str:
    salt = os.urandom(SECURITY["salt_bytes"]).hex()
    return "%s$%s" % (salt, _digest(password, salt))


def check_password_record(password: str, record: str) -> bool:
    salt, expected = record.split("$", 1)
    return hmac.compare_digest(_digest(password, salt), expected)


@require_POST
def register(request):
    username = request.POST.get("username", "").strip()
    password = request.POST.get("password", "")
    if len(password) < SECURITY["min_length"]:
        return JsonResponse({"error": "password too short"}, status=400)
    try:
        Member.objects.create(username=username, password_record=make_password_record(password))
    except IntegrityError:
        return JsonResponse({"error": "username taken"}, status=409)
    return JsonResponse({"ok": True}, status=201)


@require_POST
def sign_in(request):
    member = Member.objects.filter(username=request.POST.get("username", "")).first()
    if member is None or not check_password_record(request.POST.get("password", ""), member.password_record):
        return JsonResponse({"ok": False}, status=401)
    request.session["member_id"] = member.pk
    return JsonResponse({"ok": True})
