class Box:
    def __init__(self, w):
        self.w = w

   def double(self):
        return self.w * 2
