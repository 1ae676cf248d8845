import os
import json


def dump(obj):
    text = json.dumps(obj, sort_keys=True
    return text
