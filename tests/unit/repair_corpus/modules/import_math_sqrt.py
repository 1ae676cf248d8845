def hypot(a, b):
    return sqrt(a * a + b * b)
