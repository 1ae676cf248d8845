def sign_word(n):
  if n = 0: return "zero"
  return "plus" if n > 0 else "minus"
