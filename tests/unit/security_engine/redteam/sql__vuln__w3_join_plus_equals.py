# expect: CWE-89
from django.contrib.auth.decorators import permission_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST


def _status_sql(status: str) -> str:
    sql = "UPDATE tickets_ticket SET status = %s"
    sql += ", updated_at = NOW()"
    return sql


@permission_required("tickets.change_ticket")
@require_POST
def bulk_close(request):
    ids = request.POST.getlist("ticket_id")
    if not ids:
        return JsonResponse({"updated": 0})

    id_list = ",".join(ids)
    sql = _status_sql("closed")
    sql += " WHERE id IN (" + id_list + ")"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, ["closed"])
        updated = cursor.rowcount
    return JsonResponse({"updated": updated})


@permission_required("tickets.view_ticket")
def open_count(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tickets_ticket WHERE status = %s", ["open"])
        (count,) = cursor.fetchone()
    return JsonResponse({"open": count})
