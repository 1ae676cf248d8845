import string


def top_letter(text):
    counts = Counter(c for c in text if c in string.ascii_letters)
    return counts.most_common(1)[0][0]
