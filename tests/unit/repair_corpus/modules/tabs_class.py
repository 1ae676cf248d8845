class Greeter:
	def __init__(self, who):
		self.who = who

	def hello(self):
		greeting = "hi "
        	return greeting + self.who
