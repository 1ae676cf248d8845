def roundtrip(data):
    return json.loads(json.dumps(data))
