def count_evens(numbers):
  total = 0
  for n in numbers
    if n % 2 == 0:
      total += 1
  return total
