def word_counts(text)
    return Counter(text.split())


def top(text):
    return word_counts(text).most_common(1)[0]
