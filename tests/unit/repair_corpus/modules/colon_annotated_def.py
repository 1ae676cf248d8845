class Account:
  def __init__(self, balance: float) -> None:
    self.balance = balance

  def withdraw(self, amount: float) -> float  # returns what is left
    self.balance -= amount
    return self.balance
