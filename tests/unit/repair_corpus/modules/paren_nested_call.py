def label(items):
    text = ", ".join(sorted(str(i) for i in items)
    return "[" + text + "]"
