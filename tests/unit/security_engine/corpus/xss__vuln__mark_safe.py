from django.shortcuts import render
from django.utils.safestring import mark_safe


def comment(request):
    body = request.POST["body"]
    return render(request, "comment.html", {"body": mark_safe(body)})
