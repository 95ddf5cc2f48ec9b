"""The simulator's OData query options: what Ploomes accepts, what it refuses, and how a `$filter` matches rows."""

from datetime import datetime, timezone

import pytest

from simulators.ploomes.odata import Bounds, ODataError, Query, _parse_by_hand, parse_datetime, parse_query, sort_key

UTC = timezone.utc

ROWS = [
    {"Id": 1, "Name": "Acme O'Brien", "Amount": 10.5, "Suspended": False, "OwnerId": None,
     "LastUpdateDate": "2023-03-07T12:39:44.957-03:00"},
    {"Id": 2, "Name": "Beta", "Amount": 200, "Suspended": True, "OwnerId": 7,
     "LastUpdateDate": "2023-03-20T15:37:10.13-03:00"},
    {"Id": 3, "Name": "Gamma", "Amount": None, "Suspended": False, "OwnerId": 7,
     "LastUpdateDate": "2023-06-30T00:00:00-03:00"},
    {"Id": 4, "Name": "delta", "Amount": 0, "Suspended": None, "OwnerId": 9,
     "LastUpdateDate": "2023-12-31T21:00:00-03:00"},
    {"Id": 5, "Name": "Epsilon", "Amount": -2, "Suspended": False, "OwnerId": None, "LastUpdateDate": None},
]  # fmt: skip


def matching(text: str) -> list[int]:
    expr = parse_query({"$filter": text}).filter
    assert expr is not None
    return [row["Id"] for row in ROWS if expr.evaluate(row.get)]


def filter_error(text: str) -> ODataError:
    with pytest.raises(ODataError) as caught:
        parse_query({"$filter": text})
    assert caught.value.target == "$filter"
    return caught.value


def bounds(text: str, field: str = "Id") -> Bounds:
    expr = parse_query({"$filter": text}).filter
    assert expr is not None
    return expr.bounds(field)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Id eq 2", [2]),
        ("Id ne 2", [1, 3, 4, 5]),
        ("Id gt 3", [4, 5]),
        ("Id ge 3", [3, 4, 5]),
        ("Id lt 2", [1]),
        ("Id le 2", [1, 2]),
        ("3 lt Id", [4, 5]),  # a literal on the left mirrors the operator
        ("2 ge Id", [1, 2]),
    ],
)
def test_comparison_operators(text: str, ids: list[int]) -> None:
    assert matching(text) == ids


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Id eq 1 or Id eq 2 and Name eq 'Gamma'", [1]),  # and binds tighter than or
        ("(Id eq 1 or Id eq 2) and Name eq 'Beta'", [2]),
        ("Id eq 1 or Id eq 2 and Name eq 'Beta'", [1, 2]),
        ("not (Id le 3) and Id ne 5", [4]),  # not applies to the parenthesis only
        ("not (Id le 3 and Id ne 5)", [4, 5]),
        ("not contains(Name, 'e') or Id eq 1", [1, 3, 5]),
        ("((Id gt 1) and ((Id lt 4)))", [2, 3]),
        ("not not (Id eq 3)", [3]),
    ],
)
def test_and_or_not_precedence_and_parentheses(text: str, ids: list[int]) -> None:
    assert matching(text) == ids


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Amount gt 10", [1, 2]),  # int literal against float and int values
        ("Amount eq 10.5", [1]),
        ("Amount lt 1.5e1", [1, 4, 5]),
        ("Amount gt -1", [1, 2, 4]),
        ("Amount ge 0", [1, 2, 4]),  # null is neither above nor below anything
        ("Name eq 'Acme O''Brien'", [1]),  # '' escapes a quote
        ("Name gt 'C'", [3, 4, 5]),  # strings compare as strings, case-sensitively
        ("Name eq ''", []),
        ("Suspended eq true", [2]),
        ("Suspended eq false", [1, 3, 5]),
        ("Suspended ne true", [1, 3, 4, 5]),
        ("OwnerId eq null", [1, 5]),
        ("OwnerId ne null", [2, 3, 4]),
        ("null eq OwnerId", [1, 5]),
        ("OwnerId gt null", []),
        ("OwnerId lt 100", [2, 3, 4]),
        ("Name eq 5", []),  # a value of another type is never equal ...
        ("Name ne 5", [1, 2, 3, 4, 5]),  # ... always unequal
        ("Name gt 5", []),  # ... and never ordered
        ("Amount lt 'z'", []),
    ],
)
def test_literal_types(text: str, ids: list[int]) -> None:
    assert matching(text) == ids


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("LastUpdateDate gt 2023-06-01T00:00:00Z", [3, 4]),
        ("LastUpdateDate eq 2023-03-07T15:39:44.957Z", [1]),  # the same instant as -03:00 12:39:44.957
        ("LastUpdateDate eq 2023-03-20T15:37:10.130-03:00", [2]),  # .13 and .130 are one instant
        ("LastUpdateDate lt 2023-03-20T18:37:10.13Z", [1]),
        ("LastUpdateDate le 2023-03-20T18:37:10.13Z", [1, 2]),
        ("LastUpdateDate eq 2024-01-01T00:00:00Z", [4]),  # 2023-12-31T21:00:00-03:00
        ("LastUpdateDate eq 2024-01-01T05:30:00+05:30", [4]),
        ("LastUpdateDate ge 2023-06-30", [3, 4]),  # a date is midnight UTC; row 3 is 03:00 UTC that day
        ("LastUpdateDate gt 2023-06-30T00:00:00.0000001-03:00", [4]),  # 7 fractional digits, the 100 ns dropped
        ("LastUpdateDate ne 2024-01-01T00:00:00Z", [1, 2, 3, 5]),  # null differs from any date-time
        ("LastUpdateDate eq '2024-01-01T00:00:00Z'", []),  # quoted: a string, compared as a string
        ("LastUpdateDate gt '2023-06'", [3, 4]),
        ("Name gt 2020-01-01", []),  # a value that is no date-time is never ordered against one
    ],
)
def test_datetime_literals_compare_instants(text: str, ids: list[int]) -> None:
    assert matching(text) == ids


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("contains(Name, 'et')", [2]),
        ("startswith(Name,'Ac')", [1]),
        ("endswith(Name, 'ta')", [2, 4]),
        ("startswith(Name, 'd')", [4]),  # case-sensitive
        ("contains(Name, 'O''B')", [1]),
        ("contains(OwnerId, '7')", []),  # not a string: no match rather than an error
        ("not startswith(Name, 'E')", [1, 2, 3, 4]),
    ],
)
def test_string_functions(text: str, ids: list[int]) -> None:
    assert matching(text) == ids


def test_fields_lists_every_property_read() -> None:
    expr = parse_query({"$filter": "Id gt 1 and (contains(Name,'a') or not (Amount eq null)) or 5 lt Type/Id"}).filter
    assert expr is not None
    assert expr.fields() == frozenset({"Id", "Name", "Amount", "Type/Id"})


def test_a_property_path_is_passed_to_the_getter_whole() -> None:
    expr = parse_query({"$filter": "Type/NativeType eq 'Integer'"}).filter
    assert expr is not None
    assert expr.evaluate({"Type/NativeType": "Integer"}.get)
    assert not expr.evaluate({"Type/NativeType": "String"}.get)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Id gt 5 and Id le 10", Bounds(5, False, 10, True)),
        ("Id eq 7", Bounds(7, True, 7, True)),
        ("Id ge 5 and Id gt 5 and Id lt 100 and Id le 50", Bounds(5, False, 50, True)),
        ("Id le 9 and Id lt 9 and Id ge 2 and Id ge 1", Bounds(2, True, 9, False)),
        ("(Name eq 'x' and Id gt 3) and Id le 8", Bounds(3, False, 8, True)),  # a nested AND is still top-level
        ("3 lt Id and 8 ge Id", Bounds(3, False, 8, True)),
        ("Id gt 5 or Id lt 2", Bounds()),  # OR contributes nothing
        ("Id gt 5 and (Id lt 9 or Name eq 'x')", Bounds(5, False, None, True)),
        ("not (Id gt 5) and Id ge 1", Bounds(1, True, None, True)),  # neither does NOT
        ("Id ne 5", Bounds()),
        ("Id eq null", Bounds()),
        ("Amount gt 5", Bounds()),  # another field
        ("Id gt 5 and Id gt 'x'", Bounds()),  # limits that cannot be ranked are dropped, not guessed
        ("Id eq 5 and Id eq 6", Bounds(6, True, 5, True)),  # empty, and visibly so
    ],
)
def test_bounds(text: str, expected: Bounds) -> None:
    assert bounds(text) == expected


def test_datetime_bounds_are_instants() -> None:
    window = "LastUpdateDate gt 2024-01-01T00:00:00-03:00 and LastUpdateDate le 2024-02-01T00:00:00Z"
    assert bounds(window, "LastUpdateDate") == Bounds(
        datetime(2024, 1, 1, 3, tzinfo=UTC), False, datetime(2024, 2, 1, tzinfo=UTC), True
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T00:00:00.1Z", datetime(2024, 1, 1, 0, 0, 0, 100000, tzinfo=UTC)),
        ("2023-03-20T15:37:10.13-03:00", datetime(2023, 3, 20, 18, 37, 10, 130000, tzinfo=UTC)),
        ("2023-03-07T12:39:44.957-03:00", datetime(2023, 3, 7, 15, 39, 44, 957000, tzinfo=UTC)),
        ("2024-01-01T00:00:00.1234+01:00", datetime(2023, 12, 31, 23, 0, 0, 123400, tzinfo=UTC)),
        ("2024-01-01T00:00:00.12345Z", datetime(2024, 1, 1, 0, 0, 0, 123450, tzinfo=UTC)),
        ("2024-01-01T00:00:00.123456Z", datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2024-01-01T00:00:00.1234567Z", datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2023-06-30T00:00:00-03:00", datetime(2023, 6, 30, 3, tzinfo=UTC)),
        ("2024-01-01T10:30", datetime(2024, 1, 1, 10, 30, tzinfo=UTC)),  # no offset: UTC
        ("2024-01-01", datetime(2024, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC
    # the regex path is what Python 3.10 relies on, whose fromisoformat refuses most of these
    assert _parse_by_hand(text) == expected


@pytest.mark.parametrize("text", ["2024-13-01T00:00:00Z", "2024-02-30", "yesterday", "", "Deal 2024-01-01"])
def test_parse_datetime_rejects_what_is_no_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)
    assert _parse_by_hand(text) is None


def test_defaults_when_no_option_is_given() -> None:
    assert parse_query({"api_key": "ignored", "page": "2"}) == Query(
        filter=None, orderby=(), top=None, skip=0, select=None, expand=(), count=False
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Id", (("Id", False),)),
        ("Name desc, Id", (("Name", True), ("Id", False))),
        ("Name asc,LastUpdateDate DESC", (("Name", False), ("LastUpdateDate", True))),
    ],
)
def test_orderby(text: str, expected: tuple) -> None:
    assert parse_query({"$orderby": text}).orderby == expected


def ordered(orderby: str, rows: list[dict]) -> list:
    keys = parse_query({"$orderby": orderby}).orderby
    return sorted(rows, key=lambda row: sort_key(keys, row.get))


def test_sort_by_several_keys_mixing_directions_with_none_first() -> None:
    assert [row["Id"] for row in ordered("OwnerId, Id desc", ROWS)] == [5, 1, 3, 2, 4]
    assert [row["Id"] for row in ordered("OwnerId desc, Id", ROWS)] == [4, 2, 3, 1, 5]  # None last when descending


def test_sort_datetime_strings_by_instant_not_text() -> None:
    rows = [
        {"When": "2024-01-01T00:30:00Z"},
        {"When": "2023-12-31T21:00:00-03:00"},  # 2024-01-01T00:00Z
        {"When": "2024-01-01T01:00:00+05:00"},  # 2023-12-31T20:00Z
        {"When": None},
    ]
    assert [row["When"] for row in ordered("When", rows)] == [None, rows[2]["When"], rows[1]["When"], rows[0]["When"]]


def test_sort_tolerates_mixed_types() -> None:
    rows = [{"V": "x"}, {"V": 2.5}, {"V": None}, {"V": 1}]
    assert [row["V"] for row in ordered("V desc", rows)] == ["x", 2.5, 1, None]


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("10", 10), ("300", 300), ("301", 300), ("100000", 300)])
def test_top_is_capped_silently(text: str, expected: int) -> None:
    assert parse_query({"$top": text}).top == expected


def test_top_cap_follows_max_top() -> None:
    assert parse_query({"$top": "5000"}, max_top=1000).top == 1000


def test_skip_select_expand_count() -> None:
    query = parse_query(
        {
            "$skip": "600",
            "$select": "Id, Name,OtherProperties",
            "$expand": "OtherProperties, Contact($select=Name,Id;$expand=Owner($select=Id)),Type",
            "$count": "TRUE",
        }
    )
    assert query.skip == 600
    assert query.select == ("Id", "Name", "OtherProperties")
    assert query.expand == ("OtherProperties", "Contact", "Type")
    assert query.count is True
    assert parse_query({"$count": "false"}).count is False


@pytest.mark.parametrize(
    ("params", "target"),
    [
        ({"$top": "-1"}, "$top"),
        ({"$top": "ten"}, "$top"),
        ({"$top": "1.5"}, "$top"),
        ({"$top": ""}, "$top"),
        ({"$skip": "-3"}, "$skip"),
        ({"$skip": "x"}, "$skip"),
        ({"$orderby": "Name sideways"}, "$orderby"),
        ({"$orderby": "Id,"}, "$orderby"),
        ({"$orderby": "Id asc desc"}, "$orderby"),
        ({"$select": "Id,,Name"}, "$select"),
        ({"$select": "Id Name"}, "$select"),
        ({"$select": ""}, "$select"),
        ({"$expand": "Contact($select=Name"}, "$expand"),
        ({"$expand": "Contact)("}, "$expand"),
        ({"$expand": "Contact($select=Id)Owner"}, "$expand"),
        ({"$expand": ""}, "$expand"),
        ({"$count": "yes"}, "$count"),
        ({"$count": "1"}, "$count"),
        ({"$search": "acme"}, "$search"),
        ({"$apply": "groupby((Name))"}, "$apply"),
        ({"$Filter": "Id eq 1"}, "$Filter"),
    ],
)
def test_bad_options_name_their_target(params: dict[str, str], target: str) -> None:
    with pytest.raises(ODataError) as caught:
        parse_query(params)
    assert caught.value.target == target
    assert target in str(caught.value)


def test_syntax_error_message_names_token_and_position() -> None:
    assert str(filter_error("Id gt 5 and Name eqq 'x'")) == "Syntax error at position 17 in '$filter': unexpected 'eqq'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "position 0 in '$filter': unexpected end of input"),
        ("Id eq", "position 5 in '$filter': unexpected end of input"),
        ("(Id eq 1", "position 8 in '$filter': unexpected end of input"),
        ("Id eq 1)", "position 7 in '$filter': unexpected ')'"),
        ("Id eq 1 and", "position 11 in '$filter': unexpected end of input"),
        ("Id eq 1 Name eq 2", "position 8 in '$filter': unexpected 'Name'"),
        ("Name eq 'abc", "position 8 in '$filter': unterminated string literal"),
        ("Id # 1", "position 3 in '$filter': unexpected character '#'"),
        ("Id in (1, 2)", "position 3 in '$filter': unexpected 'in'"),
        ("Amount add 5 gt 10", "position 7 in '$filter': unexpected 'add'"),
        ("Tags/any(t: t/Id eq 1)", "position 10 in '$filter': unexpected character ':'"),
        ("tolower(Name) eq 'a'", "position 0 in '$filter': unknown function 'tolower'"),
        ("contains(Name, 5)", "position 0 in '$filter': contains expects (Property, 'text')"),
        ("contains('x', Name)", "contains expects (Property, 'text')"),
        ("Id eq Name", "position 3 in '$filter': 'eq' needs a property on one side and a literal on the other"),
        ("1 eq 1", "'eq' needs a property on one side and a literal on the other"),
        ("Id", "position 0 in '$filter': 'Id' is not a condition"),
        ("not Id eq 5", "position 4 in '$filter': 'Id' is not a condition"),  # not binds tighter than eq
        ("Id eq 1 and true", "'true' is not a condition"),
        ("Suspended gt true", "true and false can only be compared with eq or ne, not 'gt'"),
        ("Id eq eq", "position 6 in '$filter': unexpected 'eq'"),
        ("LastUpdateDate gt 2024-02-30T00:00:00Z", "position 18 in '$filter': invalid date-time '2024-02-30"),
        ("LastUpdateDate gt 2024-01-01T00:00:00.12345678Z", "invalid date-time"),  # 8 fractional digits
        ("LastUpdateDate gt 2024-01-01T10", "invalid date-time"),
        ("LastUpdateDate gt 2024-01-01T00:00:00+0300", "invalid date-time"),
    ],
)
def test_filter_errors(text: str, message: str) -> None:
    error = filter_error(text)
    assert str(error).startswith("Syntax error at position ")
    assert message in str(error)
