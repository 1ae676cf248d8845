from typing import Optional


class Stack
    """A LIFO stack."""

    def __init__(self) -> None:
        self.items: list[int] = []

    def push(self, item: int) -> None:
        self.items.append(item)

    def peek(self) -> Optional[int]:
        return self.items[-1] if self.items else None


def make(values):
    s = Stack()
    for v in values:
        s.push(v)
    return s.peek()
