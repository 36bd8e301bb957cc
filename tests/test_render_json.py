"""The JSON renderer: the composed model, exactly as ``model.to_json`` writes it, or one annex."""

from __future__ import annotations

import json

import pytest

from contractgen.errors import UsageError
from contractgen.model import to_dict, to_json
from contractgen.render import RenderOptions, render
from tests.sample_contract import sample_contract


def test_contract_json_is_the_model_json() -> None:
    contract = sample_contract()
    out = render(contract, "json")
    assert out == to_json(contract).encode("utf-8")
    assert out == render(contract, "json", RenderOptions(bundle=True))  # annexes are always in it
    assert json.loads(out)["annexes"][1]["id"] == "privacy-policy"


def test_part_json_is_that_annex_with_its_contract() -> None:
    contract = sample_contract()
    data = json.loads(render(contract, "json", RenderOptions(part="hotel-evaluation-form")))
    assert data["schema"] == "contractgen/annex@1"
    assert data["contract"] == {"title": contract.title, "contract_no": "HT-2026-001", "industry": "hotel"}
    annex = {k: v for k, v in data.items() if k not in ("schema", "contract")}
    assert annex == to_dict(contract.annexes[0])
    with pytest.raises(UsageError):
        render(contract, "json", RenderOptions(part="nope"))
