def countdown(n):
    steps = []
    while n % 5 = 0 and n > 0:
        steps.append(n)
        n -= 5
    return steps
