"""Building expected trees in the shape StandIn.tree() returns."""


def node(t, i, *children, **props):
    """node("text", "_2", value="x") -> {"i": "_2", "t": "text", "value": "x", "children": []}

    Property names are the wire names (lower case); values are strings, as on the wire.
    """
    n = {"i": i, "t": t}
    for k, v in sorted(props.items()):
        assert isinstance(v, str), f"wire values are strings: {k}={v!r}"
        n[k] = v
    n["children"] = list(children)
    return n


def ids_and_types(controls):
    """{id: type} of a flat control map, without the page itself."""
    return {cid: c.get("t") for cid, c in controls.items() if cid != "page"}
