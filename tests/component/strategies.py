"""Hypothesis strategies for fuzzing FullEcsImage's inputs (tests/component/test_fuzz.py).

Two kinds of values: anything JSON-ish (what a user program or a stack's state could hold: None,
bools, huge and negative ints, floats incl. nan/inf, strings with control characters, `<>`,
Chinese, lists, dicts, nesting), and values near each IMS rule's boundaries, so both the
accepting and the rejecting side of every rule are reached.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from hwc_full_ecs_image.rules import MARKER_TAG_KEY

CHINESE = "中文镜像测试龥一"
"""Letters in IMS's Chinese range \\u4e00-\\u9fa5 (both ends included)."""

NAME_CHARS = string.ascii_letters + string.digits + " ._-" + CHINESE
"""Every kind of character an image name may hold."""

BAD_CHARS = "\t\n\r\x00\x7f/\\;:<>&'\"@#%$é\u00a0\u3000\u9fa6\u4dff😀"
"""Characters no image name may hold (incl. just outside the Chinese range, NBSP, ideographic space)."""

NASTY_STRINGS = (
    "",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\x00",
    "<script>alert(1)</script>",
    "a>b",
    "a\rb",
    "a\nb",
    "null",
    "None",
    "0",
    "-1",
    "1e400",
    "NaN",
    "true",
    "{}",
    "[]",
    "中文",
    "😀",
    "\u202e",
    "x" * 2_000,
)
"""Strings that have broken validators before."""

HUGE_INTS = (0, 1, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), 10**30, -(10**30), 10**400)


def texts(max_size: int = 200) -> st.SearchStrategy[str]:
    """Any text (no surrogates, so it survives JSON), plus the known nasty strings."""
    return st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=max_size),
        st.text(st.sampled_from(NAME_CHARS + BAD_CHARS), max_size=max_size),
        st.sampled_from(NASTY_STRINGS),
    )


def ints() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(), st.integers(-2, 2_000_000), st.sampled_from(HUGE_INTS))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(), ints(), st.floats(allow_nan=True, allow_infinity=True), texts()
    )


def json_values() -> st.SearchStrategy[Any]:
    """Anything JSON-ish, nested up to a few levels."""
    return st.recursive(
        scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=5),
            st.dictionaries(texts(40), inner, max_size=5),
        ),
        max_leaves=12,
    )


# ---------------------------------------------------------------- values near each rule's boundaries


def names() -> st.SearchStrategy[str]:
    """Image names around the 1-128 length and character rules, edge spaces included."""
    allowed = st.text(st.sampled_from(NAME_CHARS), min_size=1, max_size=130)
    exact = st.sampled_from((1, 2, 127, 128, 129)).flatmap(
        lambda n: st.text(st.sampled_from(NAME_CHARS), min_size=n, max_size=n)
    )
    spaced = st.tuples(st.sampled_from(("", " ", "  ")), allowed, st.sampled_from(("", " ", "  "))).map(
        "".join
    )
    one_bad = st.tuples(allowed, st.sampled_from(BAD_CHARS), st.integers(0, 130)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )
    return st.one_of(allowed, exact, spaced, one_bad, st.sampled_from(("", " ", "a", "中", "a b")))


def descriptions() -> st.SearchStrategy[str]:
    """Descriptions around the 1024-character limit, with and without '\\r', '<', '>'."""
    body = st.text(st.sampled_from(NAME_CHARS + "\n\t!?,;:'\"<>\r"), max_size=40)
    exact = st.sampled_from((0, 1, 1023, 1024, 1025)).flatmap(
        lambda n: st.text(st.sampled_from(NAME_CHARS + "\n"), min_size=n, max_size=n)
    )
    return st.one_of(body, exact, st.sampled_from(("", "a<b", "a>b", "a\rb", "line\nline")))


def tag_keys() -> st.SearchStrategy[str]:
    sized = st.sampled_from((1, 35, 36, 37)).flatmap(
        lambda n: st.text(
            st.sampled_from(string.ascii_letters + string.digits + "_-"), min_size=n, max_size=n
        )
    )
    return st.one_of(
        sized,
        st.text(st.sampled_from(NAME_CHARS + "\t"), min_size=0, max_size=38),
        st.sampled_from(("", " ", " k", "k ", "键", MARKER_TAG_KEY, "k\t")),
    )


def tag_values() -> st.SearchStrategy[str]:
    sized = st.sampled_from((0, 1, 42, 43, 44)).flatmap(
        lambda n: st.text(st.sampled_from(NAME_CHARS), min_size=n, max_size=n)
    )
    return st.one_of(sized, st.text(st.sampled_from(NAME_CHARS + "\t"), max_size=45))


def tags() -> st.SearchStrategy[dict[str, str]]:
    """0-11 tags: below, at and above the 9 the component allows (10 with its marker)."""
    return st.dictionaries(tag_keys(), tag_values(), max_size=11)


def rams() -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(-2, 2), st.integers(0, 2_000_000), st.sampled_from((1_048_575, 1_048_576, 1_048_577))
    )


def uuids() -> st.SearchStrategy[str]:
    base = st.uuids().map(str)
    return st.one_of(
        base,
        base.map(str.upper),
        base.map(lambda u: u.replace("-", "")),
        base.map(lambda u: u[:-1]),
        base.map(lambda u: u + "0"),
        base.map(lambda u: " " + u),
    )


def hex32() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(st.sampled_from("0123456789abcdef"), min_size=32, max_size=32),
        st.text(st.sampled_from("0123456789abcdefABCDEFg"), min_size=31, max_size=33),
    )


def server_entries() -> st.SearchStrategy[Any]:
    """One `servers` entry: a mapping shaped like a ServerSpec (known, misspelled and owned keys,
    odd values), or anything at all."""
    from hwc_full_ecs_image.servers import instance_fields

    extra_keys = st.one_of(
        st.sampled_from(sorted(instance_fields())),
        st.sampled_from(("image_id", "image_name", "flavour", "Name", "")),
        texts(20),
    )
    shaped = st.fixed_dictionaries(
        {"name": st.one_of(names(), scalars())},
        optional={
            "data_disks": st.one_of(
                st.dictionaries(
                    st.one_of(uuids(), texts(40)),
                    st.one_of(
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "type": st.one_of(
                                    st.sampled_from(("SATA", "SAS", "SSD", "GPSSD", "ESSD", "ssd", "")),
                                    scalars(),
                                ),
                                "size": st.one_of(st.sampled_from((9, 10, 32768, 32769)), scalars()),
                                "iops": st.one_of(st.sampled_from((0, 100, 5000, 256001)), scalars()),
                                "throughput": st.one_of(st.sampled_from((0, 125, 1001)), scalars()),
                            },
                        ),
                        json_values(),
                    ),
                    max_size=3,
                ),
                json_values(),
            ),
            "system_disk_size": st.one_of(st.integers(0, 2000), scalars()),
            "system_disk_type": st.one_of(st.sampled_from(("SSD", "GPSSD2", "ESSD2", "ssd")), scalars()),
            "system_disk_iops": st.one_of(st.integers(-1, 300000), scalars()),
            "system_disk_throughput": st.one_of(st.integers(-1, 2000), scalars()),
            "provider": json_values(),
        },
    ).flatmap(
        lambda base: st.dictionaries(extra_keys, json_values(), max_size=3).map(
            lambda extra: {**extra, **base}
        )
    )
    return st.one_of(shaped, json_values())


def servers() -> st.SearchStrategy[Any]:
    """The `servers` input: None or a list of entries (duplicates likely)."""
    return st.one_of(
        st.none(),
        st.lists(server_entries(), max_size=4),
        st.lists(st.sampled_from(({"name": "web01"}, {"name": "web02"})), max_size=3),
    )


FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "backup_id": uuids(),
    "source": st.sampled_from(("csbs", "cbr", "CSBS", "CBR", "", " cbr", "vbs")),
    "name": names(),
    "description": descriptions(),
    "tags": st.one_of(tags(), st.dictionaries(texts(40), json_values(), max_size=4)),
    "enterprise_project_id": st.one_of(st.sampled_from(("0", "00", "default")), uuids()),
    "min_ram": rams(),
    "max_ram": rams(),
    "adopt_image_id": uuids(),
    "create_timeout_minutes": st.one_of(st.integers(-1, 1442), st.sampled_from((0, 1, 1440, 1441))),
    "share_with_project_ids": st.lists(hex32(), max_size=11),
    "marker": hex32(),
    "region": st.one_of(
        st.sampled_from(("ap-southeast-1", "cn-north-4", "AP-1", "-x", "a" * 64, "a" * 65)),
        texts(70),
    ),
    "project_id": st.one_of(hex32(), texts(70), st.sampled_from(("a" * 64, "a" * 65))),
}
"""Per ImageSpec field: values near its rules (valid and invalid)."""


def iterables() -> st.SearchStrategy[Any]:
    """Anything JSON-ish that Python can iterate: a list, a dict, a string, or None."""
    return st.one_of(
        st.none(), st.lists(json_values(), max_size=4), st.dictionaries(texts(20), json_values()), texts()
    )


def field_values(field: str) -> st.SearchStrategy[Any]:
    """Anything at all for `field`, or a value near its rules. For `servers`, anything iterable:
    a scalar there raises a bare TypeError (see test_servers_scalar_is_a_field_problem)."""
    if field == "servers":
        return st.one_of(servers(), iterables())
    if field == "share_acceptors":  # a real acceptor needs a Provider resource: shapes only
        entry = st.fixed_dictionaries(
            {}, optional={"project_id": hex32(), "vault_id": uuids(), "provider": json_values()}
        )
        return st.one_of(st.none(), st.lists(st.one_of(entry, json_values()), max_size=3), iterables())
    if field == "server_disks":  # set by the component from `servers`: near-valid disk requests
        request = st.fixed_dictionaries(
            {"name": names()},
            optional={
                "system_disk_size": ints(),
                "system_disk_type": st.sampled_from(("SSD", "GPSSD2", "ESSD2", "bogus")),
                "system_disk_iops": ints(),
                "data_disks": st.dictionaries(
                    uuids(), st.fixed_dictionaries({}, optional={"size": ints(), "iops": ints()})
                ),
            },
        )
        return st.one_of(st.none(), st.lists(st.one_of(request, json_values()), max_size=3), iterables())
    if field == "source_disks":  # recorded by the provider: near-valid disk facts
        fact = st.fixed_dictionaries(
            {"id": uuids(), "size": ints()},
            optional={"type": st.one_of(st.none(), st.sampled_from(("SSD", "GPSSD2"))), "iops": ints()},
        )
        shape = st.fixed_dictionaries(
            {}, optional={"system": st.one_of(st.none(), fact), "data": st.lists(fact, max_size=2)}
        )
        return st.one_of(st.none(), shape, json_values())
    return st.one_of(json_values(), FIELD_VALUES[field])
