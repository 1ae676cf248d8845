import pickle

from django.http import JsonResponse


def clone(request):
    # A deep copy by round trip: the bytes were produced here from a plain string.
    copy = pickle.loads(pickle.dumps(request.GET.get("name", "")))
    return JsonResponse({"name": copy})
