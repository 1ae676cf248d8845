# expect: safe
import csv
import os
import tempfile
from datetime import date

from celery import shared_task

from .models import Order

EXPORT_DIR = "/srv/exports"


def _write_rows(fh, rows):
    writer = csv.writer(fh)
    writer.writerow(["id", "customer", "total", "created"])
    for row in rows:
        writer.writerow([row.id, row.customer_email, row.total, row.created.isoformat()])


@shared_task
def export_orders(day: str | None = None):
    target_day = date.fromisoformat(day) if day else date.today()
    rows = Order.objects.filter(created__date=target_day).order_by("id").iterator()
    with tempfile.NamedTemporaryFile("w", newline="", suffix=".csv", dir=EXPORT_DIR, delete=False) as fh:
        _write_rows(fh, rows)
        scratch = fh.name
    final = os.path.join(EXPORT_DIR, f"orders-{target_day.isoformat()}.csv")
    os.replace(scratch, final)
    return final


@shared_task
def export_summary():
    fd, path = tempfile.mkstemp(prefix="summary-", suffix=".txt")
    with os.fdopen(fd, "w") as fh:
        fh.write(f"orders today: {Order.objects.filter(created__date=date.today()).count()}\n")
    return path
