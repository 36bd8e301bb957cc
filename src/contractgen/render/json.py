"""The JSON renderer: the composed model as stable JSON, for tools and for archiving what was built.

The contract is written exactly as ``contractgen.model.to_json`` writes it (annexes included, so
``bundle`` changes nothing); ``part`` writes that annex alone, in the same style.
"""

from __future__ import annotations

import json

from ..model import Contract, to_dict, to_json
from . import RenderOptions
from ._common import find_annex

ANNEX_SCHEMA = "contractgen/annex@1"


def render_json(contract: Contract, options: RenderOptions) -> str:
    """The contract, or the annex ``options.part`` with the contract it belongs to, as JSON text."""
    if options.part is None:
        return to_json(contract)
    annex = find_annex(contract, options.part)
    data = {
        "schema": ANNEX_SCHEMA,
        "contract": {"title": contract.title, "contract_no": contract.contract_no,
                     "industry": contract.industry},
        **to_dict(annex),
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_json_bytes(contract: Contract, options: RenderOptions) -> bytes:
    """``render_json`` as UTF-8 bytes (the registry's JSON renderer)."""
    return render_json(contract, options).encode("utf-8")
