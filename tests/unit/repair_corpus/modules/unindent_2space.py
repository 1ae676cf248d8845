def flatten(rows):
  out = []
  for row in rows:
    for x in row:
      out.append(x)
   return out
