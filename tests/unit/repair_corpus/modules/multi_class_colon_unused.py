import sys
from dataclasses import dataclass


@dataclass
class Item
    name: str
    price: float = 0.0

    def label(self):
        unused = 1
        return f"{self.name}: {self.price:.2f}"
