def scale(values, factor):
    result = []
    for v in values:
        result.append(v * factor)
      return reslt
