"""OData v4 query options as Ploomes understands them: parse `$filter`, `$orderby`, `$top`, ... and evaluate them.

The simulator filters up to a million rows per request, so a `$filter` is compiled once into nested closures: a row
costs no walk over the tree, no literal parsing, and no decision about how to compare.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NamedTuple

Getter = Callable[[str], Any]
Test = Callable[[Getter], bool]
UTC = timezone.utc


class ODataError(Exception):
    """A bad query option; the app answers HTTP 400 naming `target`, the option at fault."""

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target


@dataclass(frozen=True)
class Bounds:
    """A range on one field, with values as in the literals; None is unbounded, and low above high is empty."""

    low: Any = None
    low_inclusive: bool = True
    high: Any = None
    high_inclusive: bool = True


class Expr:
    """A compiled `$filter`."""

    __slots__ = ("_test", "_fields", "_conjuncts")

    def __init__(self, test: Test, fields: frozenset[str], conjuncts: tuple[tuple[str, str, Any], ...]) -> None:
        self._test = test
        self._fields = fields
        # (field, op, literal) comparisons that must all hold for a row to match: the raw material of bounds()
        self._conjuncts = conjuncts

    def evaluate(self, get: Getter) -> bool:
        """Whether the row matches; `get(field)` returns the row's raw JSON value (date-times as strings)."""
        return self._test(get)

    def fields(self) -> frozenset[str]:
        return self._fields

    def bounds(self, field: str) -> Bounds:
        """The tightest range on `field` implied by the top-level AND terms; terms under OR or NOT add nothing."""
        terms = [(op, value) for name, op, value in self._conjuncts if name == field]
        lows = [(value, op != "gt") for op, value in terms if op in ("eq", "gt", "ge")]
        highs = [(value, op != "lt") for op, value in terms if op in ("eq", "lt", "le")]
        try:
            # on equal values the exclusive limit is the tighter: it ranks last among lows and first among highs
            low = max(lows, key=lambda limit: (limit[0], not limit[1]), default=(None, True))
            high = min(highs, default=(None, True))
        except TypeError:  # limits of unrelated types (Id gt 5 and Id gt 'x'): no range is the safe answer
            return Bounds()
        return Bounds(*low, *high)


@dataclass(frozen=True)
class Query:
    """The parsed options; `top` is already capped at the endpoint's maximum."""

    filter: Expr | None
    orderby: tuple[tuple[str, bool], ...]  # (field, descending)
    top: int | None
    skip: int
    select: tuple[str, ...] | None
    expand: tuple[str, ...]
    count: bool


_OPTIONS = frozenset({"$filter", "$orderby", "$top", "$skip", "$select", "$expand", "$count"})
_PROPERTY = r"[A-Za-z_]\w*(?:/[A-Za-z_]\w*)*"  # a property, or a path such as Type/NativeType
_SELECT_ITEM = re.compile(rf"\s*({_PROPERTY})\s*")
_ORDERBY_ITEM = re.compile(rf"\s*({_PROPERTY})(?:\s+(asc|desc))?\s*", re.IGNORECASE)
_EXPAND_ITEM = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:\(\))?\s*")  # nested options already emptied, see _parse_expand


def parse_query(params: Mapping[str, str], *, max_top: int = 300) -> Query:
    """Read the `$` options of a request (values already URL-decoded); other parameters are not ours to judge."""
    for key in params:
        if key.startswith("$") and key not in _OPTIONS:
            raise ODataError(f"The query option '{key}' is not supported", key)
    count = params.get("$count", "false").lower()
    if count not in ("true", "false"):
        raise ODataError(f"Invalid $count '{params['$count']}': expected true or false", "$count")
    top, select = params.get("$top"), params.get("$select")
    orderby = _items(params.get("$orderby"), "$orderby", _ORDERBY_ITEM, "'Property [asc|desc]'")
    selected = None if select is None else _items(select, "$select", _SELECT_ITEM, "a property")
    return Query(
        filter=_Parser(params["$filter"]).parse() if "$filter" in params else None,
        orderby=tuple((item[1], (item[2] or "").lower() == "desc") for item in orderby),
        top=None if top is None else min(_non_negative_int(top, "$top"), max_top),
        skip=_non_negative_int(params.get("$skip", "0"), "$skip"),
        select=None if selected is None else tuple(item[1] for item in selected),
        expand=_parse_expand(params["$expand"]) if "$expand" in params else (),
        count=count == "true",
    )


def _non_negative_int(text: str, option: str) -> int:
    if not re.fullmatch(r"\s*[0-9]+\s*", text):
        raise ODataError(f"Invalid {option} '{text}': expected a non-negative integer", option)
    return int(text)


def _items(text: str | None, option: str, pattern: re.Pattern[str], expected: str) -> list[re.Match[str]]:
    matches = []
    for part in [] if text is None else text.split(","):
        match = pattern.fullmatch(part)
        if match is None:
            raise ODataError(f"Invalid {option} item '{part.strip()}': expected {expected}", option)
        matches.append(match)
    return matches


def _parse_expand(text: str) -> tuple[str, ...]:
    """Top-level navigation names; nested options such as `Contact($select=Name)` only need to be balanced."""
    outline, depth = [], 0  # the text with each parenthesised part emptied: `Contact($select=Name,Id)` -> `Contact()`
    for char in text:
        depth -= char == ")"
        if depth < 0:
            raise ODataError("Unbalanced ')' in $expand", "$expand")
        if depth == 0:
            outline.append(char)
        depth += char == "("
    if depth:
        raise ODataError("Unbalanced '(' in $expand", "$expand")
    return tuple(item[1] for item in _items("".join(outline), "$expand", _EXPAND_ITEM, "'Name' or 'Name(options)'"))


# --- date-times --------------------------------------------------------------------------------------------------

_DATETIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,7}))?)?(Z|[+-]\d\d:\d\d)?)?", re.ASCII
)


# Rows hold date-times as strings and the same ones are compared on every request: caching spares the parse.
@lru_cache(maxsize=1 << 20)
def _instant(text: str) -> datetime | None:
    """The instant `text` spells, in UTC, or None when it is not a date-time or date."""
    if text[4:5] != "-":  # not even a date; also keeps fromisoformat off ISO basic forms such as 20240101
        return None
    try:
        # ~10x faster than the regex, which is still needed: before Python 3.11 fromisoformat refuses "Z" and
        # fractions of other than 3 or 6 digits. From 3.11 it also reads some ISO forms OData never sends.
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_by_hand(text)
        if parsed is None:
            return None
    # One shared tzinfo makes comparisons ~15x faster than between different offsets; a missing offset means UTC.
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_by_hand(text: str) -> datetime | None:
    match = _DATETIME.fullmatch(text)
    if match is None:
        return None
    *clock, fraction, offset = match.groups()
    zone = UTC
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    micro = int((fraction or "").ljust(6, "0")[:6])  # a 7th digit (100 ns) is beyond datetime's precision
    try:
        return datetime(*(int(part or 0) for part in clock), micro, zone)
    except ValueError:  # e.g. month 13
        return None


def parse_datetime(text: str) -> datetime:
    """Parse `2024-01-01T00:00:00Z`, `2023-03-07T12:39:44.957-03:00` (0-7 fractional digits) or `2024-01-01`.

    The result is aware and normalised to UTC; a date is its midnight in UTC.
    """
    instant = _instant(text)
    if instant is None:
        raise ValueError(f"not an OData date-time: {text!r}")
    return instant


# --- $filter -----------------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    rf"""(?P<space>\s+)
    |(?P<datetime>\d\d\d\d-\d\d-\d\d(?:T[\w:.+-]*)?)
    |(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<string>'(?:[^']|'')*')
    |(?P<name>{_PROPERTY})
    |(?P<punctuation>[(),])""",
    re.VERBOSE,
)
_KEYWORD_LITERALS = {"true": True, "false": False, "null": None}
_OPERATORS: dict[str, Callable] = {op: getattr(operator, op) for op in ("eq", "ne", "gt", "ge", "lt", "le")}
_MIRRORED = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}  # for `literal op field`
_RESERVED = frozenset({"and", "or", "not", *_OPERATORS})
_FUNCTIONS = {"contains": str.__contains__, "startswith": str.startswith, "endswith": str.endswith}


class _Token(NamedTuple):
    kind: str  # "literal", "name", a keyword such as "and" or "eq", "(", ")", "," or "end"
    text: str
    position: int
    value: Any = None  # a literal's value


# An operand is a condition (Expr), or a "name" or "literal" token still waiting for its comparison.
_Operand = Expr | _Token


class _Parser:
    """Recursive descent; precedence from loosest: or, and, comparison, not."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokenize()
        self.index = 0

    def error(self, position: int, detail: str) -> ODataError:
        return ODataError(f"Syntax error at position {position} in '$filter': {detail}", "$filter")

    def unexpected(self, token: _Token) -> ODataError:
        return self.error(token.position, f"unexpected '{token.text}'" if token.text else "unexpected end of input")

    def _tokenize(self) -> list[_Token]:
        tokens, position = [], 0
        while position < len(self.text):
            match = _TOKEN.match(self.text, position)
            if match is None:
                if self.text[position] == "'":
                    raise self.error(position, "unterminated string literal")
                raise self.error(position, f"unexpected character '{self.text[position]}'")
            kind, text = match.lastgroup, match.group()
            if kind in ("name", "punctuation") and text not in _KEYWORD_LITERALS:
                tokens.append(_Token(text if kind == "punctuation" or text in _RESERVED else "name", text, position))
            elif kind != "space":
                tokens.append(_Token("literal", text, position, self._literal(kind, text, position)))
            position = match.end()
        return [*tokens, _Token("end", "", len(self.text))]

    def _literal(self, kind: str | None, text: str, position: int) -> Any:
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "name":
            return _KEYWORD_LITERALS[text]
        # the strict grammar first: _instant alone would also take ISO forms that Ploomes rejects
        instant = _instant(text) if _DATETIME.fullmatch(text) else None
        if instant is None:
            raise self.error(position, f"invalid date-time '{text}'")
        return instant

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def expect(self, kind: str) -> _Token:
        if self.peek().kind != kind:
            raise self.unexpected(self.peek())
        return self.advance()

    def parse(self) -> Expr:
        expr = self.or_expr()
        self.expect("end")
        return expr

    def or_expr(self) -> Expr:
        expr = self.and_expr()
        while self.peek().kind == "or":
            self.advance()
            expr = _either(expr, self.and_expr())
        return expr

    def and_expr(self) -> Expr:
        expr = self.comparison()
        while self.peek().kind == "and":
            self.advance()
            expr = _both(expr, self.comparison())
        return expr

    def comparison(self) -> Expr:
        left = self.unary()
        if self.peek().kind not in _OPERATORS:
            if _kind(left) != "condition" and self.peek().kind not in ("and", "or", ")", "end"):
                raise self.unexpected(self.peek())  # `Name eqq 'x'`: the word after the property is at fault
            return self.condition(left)
        op = self.advance()
        right = self.unary()
        kinds = (_kind(left), _kind(right))
        if kinds == ("name", "literal"):
            return self.compare(left.text, op, right.value)
        if kinds == ("literal", "name"):
            return self.compare(right.text, op._replace(text=_MIRRORED[op.text]), left.value)
        raise self.error(op.position, f"'{op.text}' needs a property on one side and a literal on the other")

    def compare(self, field: str, op: _Token, value: Any) -> Expr:
        if isinstance(value, bool) and op.text not in ("eq", "ne"):
            raise self.error(op.position, f"true and false can only be compared with eq or ne, not '{op.text}'")
        conjunct = ((field, op.text, value),) if value is not None else ()  # null bounds nothing
        return Expr(_comparison_test(field, op.text, value), frozenset({field}), conjunct)

    def condition(self, operand: _Operand) -> Expr:
        if isinstance(operand, Expr):
            return operand
        raise self.error(operand.position, f"'{operand.text}' is not a condition; compare it using eq, gt, ...")

    def unary(self) -> _Operand:
        if self.peek().kind != "not":
            return self.primary()
        self.advance()
        return _negated(self.condition(self.unary()))

    def primary(self) -> _Operand:
        token = self.advance()
        if token.kind == "(":
            expr = self.or_expr()
            self.expect(")")
            return expr
        if token.kind not in ("name", "literal"):
            raise self.unexpected(token)
        return self.call(token) if token.kind == "name" and self.peek().kind == "(" else token

    def call(self, name: _Token) -> Expr:
        method = _FUNCTIONS.get(name.text)
        if method is None:
            raise self.error(name.position, f"unknown function '{name.text}'")
        self.expect("(")
        field = self.primary()
        self.expect(",")
        needle = self.primary()
        if _kind(field) != "name" or _kind(needle) != "literal" or not isinstance(needle.value, str):
            raise self.error(name.position, f"{name.text} expects (Property, 'text')")
        self.expect(")")
        field_name, text = field.text, needle.value
        return Expr(
            lambda get: (value := get(field_name)).__class__ is str and method(value, text), frozenset({field_name}), ()
        )


def _kind(operand: _Operand) -> str:
    return "condition" if isinstance(operand, Expr) else operand.kind


def _both(left: Expr, right: Expr) -> Expr:
    first, second = left._test, right._test
    return Expr(
        lambda get: first(get) and second(get), left._fields | right._fields, left._conjuncts + right._conjuncts
    )


def _either(left: Expr, right: Expr) -> Expr:
    first, second = left._test, right._test
    return Expr(lambda get: first(get) or second(get), left._fields | right._fields, ())


def _negated(expr: Expr) -> Expr:
    test = expr._test
    return Expr(lambda get: not test(get), expr._fields, ())


def _comparison_test(field: str, op: str, literal: Any) -> Test:
    """Decide everything about the literal's type here, so a row costs one lookup and one comparison."""
    if literal is None or isinstance(literal, bool):  # these compare by identity (1 is not true); null has no order
        if op == "eq":
            return lambda get: get(field) is literal
        return (lambda get: get(field) is not literal) if op == "ne" else (lambda get: False)
    compare = _OPERATORS[op]
    # a value that is null or of another type differs from the literal and is neither above nor below it
    mismatch = op == "ne"
    if isinstance(literal, datetime):

        def test(get: Getter) -> bool:
            value = get(field)
            instant = _instant(value) if value.__class__ is str else None
            return mismatch if instant is None else compare(instant, literal)

        return test

    def test(get: Getter) -> bool:
        try:
            return compare(get(field), literal)
        except TypeError:
            return mismatch

    return test


# --- $orderby ----------------------------------------------------------------------------------------------------


class _Descending:
    """A sort-key part with its order reversed, so one stable `sorted` call handles mixed asc/desc keys."""

    __slots__ = ("key",)

    def __init__(self, key: tuple) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.key == other.key

    def __lt__(self, other: _Descending) -> bool:
        return other.key < self.key


def _rank(value: Any) -> tuple:
    # The leading type rank keeps columns of mixed types orderable and puts None first.
    if value is None:
        return (0,)
    if isinstance(value, (int, float)):  # bool included
        return (1, value)
    if isinstance(value, str):
        # the cheap test keeps names and other text from flooding the date-time cache
        instant = _instant(value) if value[4:5] == "-" else None
        return (2, instant) if instant is not None else (3, value)
    return (4,)  # objects and lists have no order: they tie, and the sort keeps their order


def sort_key(orderby: Sequence[tuple[str, bool]], get: Getter) -> tuple:
    """The key of one row: `sorted(rows, key=lambda row: sort_key(query.orderby, row.get))`.

    One pass handles mixed directions: descending parts are wrapped to compare reversed. None sorts first in
    ascending order (so last in descending); date-time strings sort by instant.
    """
    return tuple(_Descending(_rank(get(field))) if descending else _rank(get(field)) for field, descending in orderby)
