"""Switching an example spec to the other profile: its values follow (a consumer-only deadline is
refused in a business contract, so the switched spec leaves it out, as a user would)."""

from contractgen.library import Library


def as_profile(data: dict, profile: str, library: Library) -> dict:
    """``data`` (a spec's data, changed in place and returned) in ``profile``, with only the values it takes."""
    data["profile"] = profile
    taken = {v.name for v in library.variables_for(data["industry"], profile)}
    data["values"] = {k: v for k, v in (data.get("values") or {}).items() if k in taken}
    return data
