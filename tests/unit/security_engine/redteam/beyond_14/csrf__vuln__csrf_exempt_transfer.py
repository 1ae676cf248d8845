# expect: CWE-352
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Account, Transfer

MAX_TRANSFER = Decimal("10000.00")


def _amount(raw) -> Decimal:
    try:
        value = Decimal(raw).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise ValueError("invalid amount")
    if value <= 0 or value > MAX_TRANSFER:
        raise ValueError("amount out of range")
    return value


@csrf_exempt
@login_required
@require_POST
def transfer_funds(request):
    try:
        amount = _amount(request.POST.get("amount"))
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    with transaction.atomic():
        source = Account.objects.select_for_update().get(owner=request.user)
        target = Account.objects.select_for_update().filter(iban=request.POST.get("iban", "")).first()
        if target is None:
            return JsonResponse({"error": "unknown recipient"}, status=404)
        if source.balance < amount:
            return JsonResponse({"error": "insufficient funds"}, status=409)
        source.balance -= amount
        target.balance += amount
        source.save(update_fields=["balance"])
        target.save(update_fields=["balance"])
        Transfer.objects.create(source=source, target=target, amount=amount)
    return JsonResponse({"ok": True, "balance": str(source.balance)})


@login_required
def balance(request):
    account = Account.objects.get(owner=request.user)
    return JsonResponse({"balance": str(account.balance)})
