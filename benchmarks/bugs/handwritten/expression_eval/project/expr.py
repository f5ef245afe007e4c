"""Arithmetic expressions: tokenizer, shunting-yard to RPN, RPN evaluation, and a
recursive-descent evaluator. Supports + - * / ^, parentheses, unary minus and variables."""


class ExprError(ValueError):
    pass


OPERATORS = "+-*/^()"
# Binary precedence; "neg" is unary minus, binding tighter than * but looser than ^.
PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}
RIGHT_ASSOC = {"^", "neg"}


def tokenize(text):
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit() or ch == ".":
            start = i
            while i < len(text) and (text[i].isdigit() or text[i] == "."):
                i += 1
            literal = text[start:i]
            try:
                tokens.append(float(literal) if "." in literal else int(literal))
            except ValueError:
                raise ExprError(f"bad number {literal!r}") from None
        elif ch.isalpha() or ch == "_":
            name = ""
            while i < len(text) and (text[i].isalnum() or text[i] == "_"):
                name += text[i]
                i += 1
            tokens.append(name)
        elif ch in OPERATORS:
            tokens.append(ch)
            i += 1
        else:
            raise ExprError(f"unexpected character {ch!r} at {i}")
    return tokens


def _is_operand(token):
    return not isinstance(token, str) or token not in OPERATORS


def to_rpn(tokens):
    """Shunting-yard. Unary minus becomes the token 'neg'."""
    output = []
    stack = []
    prev = None
    for tok in tokens:
        if _is_operand(tok):
            output.append(tok)
        elif tok == "(":
            stack.append(tok)
        elif tok == ")":
            while stack and stack[-1] != "(":
                output.append(stack.pop())
            if not stack:
                raise ExprError("unbalanced ')'")
            stack.pop()
        else:
            if tok == "-" and (prev is None or prev == "(" or prev in PRECEDENCE):
                tok = "neg"
            while (stack and stack[-1] != "(" and tok != "neg"
                   and (PRECEDENCE[stack[-1]] > PRECEDENCE[tok]
                        or (PRECEDENCE[stack[-1]] == PRECEDENCE[tok] and tok not in RIGHT_ASSOC))):
                output.append(stack.pop())
            stack.append(tok)
        prev = tok
    while stack:
        op = stack.pop()
        if op == "(":
            raise ExprError("unbalanced '('")
        output.append(op)
    return output


def _apply(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise ExprError("division by zero")
        return a / b
    if op == "^":
        return a ** b
    raise ExprError(f"unknown operator {op!r}")


def _lookup(token, variables):
    if not isinstance(token, str):
        return token
    if token not in variables:
        raise ExprError(f"unknown variable {token!r}")
    return variables[token]


def eval_rpn(rpn, variables=None):
    variables = variables or {}
    stack = []
    for tok in rpn:
        if tok == "neg":
            if not stack:
                raise ExprError("missing operand")
            stack.append(-stack.pop())
        elif _is_operand(tok):
            stack.append(_lookup(tok, variables))
        else:
            if len(stack) < 2:
                raise ExprError("missing operand")
            b = stack.pop()
            a = stack.pop()
            stack.append(_apply(tok, a, b))
    if len(stack) != 1:
        raise ExprError("malformed expression")
    return stack[0]


class Parser:
    """expr   := term (('+' | '-') term)*
       term   := unary (('*' | '/') unary)*
       unary  := '-' unary | power
       power  := atom ('^' unary)?
       atom   := number | name | '(' expr ')'"""

    def __init__(self, tokens, variables):
        self.tokens = tokens
        self.pos = 0
        self.variables = variables

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        tok = self.peek()
        if tok is None:
            raise ExprError("unexpected end of input")
        self.pos += 1
        return tok

    def parse(self):
        value = self.expr()
        if self.pos != len(self.tokens):
            raise ExprError(f"unexpected token {self.peek()!r}")
        return value

    def expr(self):
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            value = _apply(op, value, self.term())
        return value

    def term(self):
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            value = _apply(op, value, self.unary())
        return value

    def unary(self):
        if self.peek() == "-":
            self.take()
            return -self.unary()
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == "^":
            self.take()
            return _apply("^", base, self.unary())
        return base

    def atom(self):
        tok = self.take()
        if tok == "(":
            value = self.expr()
            if self.take() != ")":
                raise ExprError("expected ')'")
            return value
        if not _is_operand(tok):
            raise ExprError(f"unexpected token {tok!r}")
        return _lookup(tok, self.variables)


def evaluate(text, variables=None):
    return Parser(tokenize(text), variables or {}).parse()


def evaluate_rpn(text, variables=None):
    return eval_rpn(to_rpn(tokenize(text)), variables)
