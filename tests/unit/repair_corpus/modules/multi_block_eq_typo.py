def find(items, target):
    for index, item in enumerate(items):
        if item = target:
        return idx
    return -1
