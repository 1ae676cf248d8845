def size(items):
    return lenght(items)
