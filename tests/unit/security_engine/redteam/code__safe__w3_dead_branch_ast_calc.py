# expect: safe
import ast
import operator

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()

LEGACY_EVAL = False

_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
}


class Expr(BaseModel):
    expression: str


def _walk(node):
    if isinstance(node, ast.Expression):
        return _walk(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_walk(node.left), _walk(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_walk(node.operand))
    raise ValueError("unsupported expression")


def calculate(text: str) -> float:
    if False:
        return eval(text)
    tree = ast.parse(text, mode="eval")
    return _walk(tree)


@app.post("/calc")
async def calc(body: Expr):
    if len(body.expression) > 200:
        raise HTTPException(413, "expression too long")
    try:
        result = calculate(body.expression)
    except (ValueError, SyntaxError, ZeroDivisionError) as exc:
        raise HTTPException(400, str(exc))
    return {"result": result}
