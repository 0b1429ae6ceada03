from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from langnghe.handling.docs import render_workflows
from langnghe.handling.policy import POLICY_DIR, PolicyError, load_policy


def test_docs_workflows_md_is_generated_from_the_data():
    """docs/workflows.md must be regenerated (`manage.py workflow_docs`) whenever the data changes."""
    expected = render_workflows(load_policy([POLICY_DIR / "workflows.yaml"])) + "\n"
    assert (Path(settings.BASE_DIR) / "docs" / "workflows.md").read_text(
        encoding="utf-8"
    ) == expected


def test_every_variant_cites_a_rule_and_unverified_values_are_null():
    policy = load_policy([POLICY_DIR / "workflows.yaml"])
    rules_md = Path(settings.BASE_DIR).parent / "shared" / "domain" / "RULES.md"
    known = rules_md.read_text(encoding="utf-8") if rules_md.exists() else None
    for wf in policy.workflows.values():
        for rule in wf.deadlines.values():
            for v in rule.variants:
                assert v.cite and v.verified in {"V1", "V1-M", "V2", "W", "U"}
                if v.verified == "U":
                    assert v.value is None and v.values is None
                if known is not None:
                    assert f"| {v.cite} |" in known, v.cite


def test_a_deployment_override_replaces_a_value(tmp_path):
    override = tmp_path / "workflows.yaml"
    override.write_text(
        yaml.safe_dump(
            {
                "workflows": {
                    "petition": {
                        "deadlines": {
                            "reply": {
                                "starts": "received",
                                "stops": ["answered"],
                                "variants": [
                                    {
                                        "rule_set": "tcd_2026",
                                        "value": 5,
                                        "unit": "wd",
                                        "cite": "TCD-11",
                                        "verified": "V1",
                                    }
                                ],
                            }
                        }
                    }
                }
            }
        )
    )
    policy = load_policy([POLICY_DIR / "workflows.yaml", override])
    assert policy.workflow("petition").deadlines["reply"].variants[0].value == 5


def test_inconsistent_data_is_refused_at_load(tmp_path):
    bad = tmp_path / "workflows.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "workflows": {
                    "petition": {
                        "transitions": [
                            {
                                "name": "x",
                                "from": ["received"],
                                "to": "nowhere",
                                "permission": "work",
                                "label_vi": "x",
                                "label_en": "x",
                            }
                        ]
                    }
                }
            }
        )
    )
    with pytest.raises(PolicyError):
        load_policy([POLICY_DIR / "workflows.yaml", bad])
