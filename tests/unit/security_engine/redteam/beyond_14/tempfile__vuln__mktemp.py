# expect: CWE-377
import csv
import os
import shutil
import tempfile
from datetime import date

from celery import shared_task

from .models import Order

EXPORT_DIR = "/srv/exports"


def _write_rows(path: str, rows):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "customer", "total", "created"])
        for row in rows:
            writer.writerow([row.id, row.customer_email, row.total, row.created.isoformat()])


@shared_task
def export_orders(day: str | None = None):
    target_day = date.fromisoformat(day) if day else date.today()
    rows = Order.objects.filter(created__date=target_day).order_by("id").iterator()
    scratch = tempfile.mktemp(suffix=".csv", prefix="orders-")
    _write_rows(scratch, rows)
    final = os.path.join(EXPORT_DIR, f"orders-{target_day.isoformat()}.csv")
    shutil.move(scratch, final)
    return final
