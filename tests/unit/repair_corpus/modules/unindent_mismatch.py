def classify(n):
    if n > 0:
        label = "pos"
      else:
        label = "non-pos"
    return label
