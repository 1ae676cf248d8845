def parse(text):
    parts = text.split(",")
    count = len(parts)
    return [p.strip() for p in parts]
