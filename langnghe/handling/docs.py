"""Renders the handling workflows as Markdown with Mermaid state diagrams, from the rule data."""

from __future__ import annotations

from .policy import Policy, Workflow


def _diagram(wf: Workflow) -> list[str]:
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {wf.initial}"]
    for t in wf.transitions:
        for source in t.from_states:
            lines.append(f"    {source} --> {t.to}: {t.name}")
    for code, state in wf.states.items():
        if not state.open:
            lines.append(f"    {code} --> [*]")
    lines.append("```")
    return lines


def _limit(policy: Policy, wf: Workflow) -> list[str]:
    rows = [
        "| time limit | starts in | stops in | value | rule set | cite | tag |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in wf.deadlines.values():
        for v in rule.variants:
            value = (
                ", ".join(f"{k} {n}" for k, n in v.values.items())
                if v.values
                else ("not set" if v.value is None else str(v.value))
            )
            rows.append(
                f"| {rule.code} | {rule.starts} | {', '.join(rule.stops) or '—'} | {value} {v.unit} "
                f"| {', '.join(v.rule_sets)} | {v.cite} | {v.verified} |"
            )
    return rows


def render_workflows(policy: Policy) -> str:
    out = [
        "# Handling workflows",
        "",
        "Generated from `langnghe/handling/policies/workflows.yaml` by `manage.py workflow_docs`;",
        "do not edit by hand. `wd` = working days, `d` = calendar days. Rule IDs refer to",
        "the domain rules (RULES.md).",
        "",
        "## Rule sets",
        "",
        "| id | valid from | valid to | texts |",
        "|---|---|---|---|",
    ]
    for rs in policy.rule_sets.values():
        out.append(
            f"| {rs.id} | {rs.valid_from:%d/%m/%Y} | {rs.valid_to.strftime('%d/%m/%Y') if rs.valid_to else '—'} | {rs.title} |"
        )
    alarm = policy.hard_alarm
    out += [
        "",
        f"Every open item: hard alarm after {alarm.get('value')} {alarm.get('unit')} ({alarm.get('cite')}).",
        "",
    ]
    for wf in policy.workflows.values():
        out += [f"## {wf.title_en} — {wf.title_vi} (`{wf.code}`)", ""]
        out.append(
            f"Kinds: {', '.join(wf.kinds) or '— (started from another item)'}. Cites: {', '.join(wf.cite)}."
        )
        out.append("")
        out += _diagram(wf)
        out += ["", "| state | open | Vietnamese | what it means |", "|---|---|---|---|"]
        for s in wf.states.values():
            out.append(f"| {s.code} | {'yes' if s.open else 'no'} | {s.label_vi} | {s.means} |")
        out += [
            "",
            "| action | from | to | who | needs | clock | cite |",
            "|---|---|---|---|---|---|---|",
        ]
        for t in wf.transitions:
            out.append(
                f"| {t.name} | {', '.join(t.from_states)} | {t.to} | {t.permission} | {', '.join(t.requires) or '—'} "
                f"| {t.clock or '—'} | {', '.join(t.cite) or '—'} |"
            )
        out += [""] + _limit(policy, wf) + [""]
    return "\n".join(out)
