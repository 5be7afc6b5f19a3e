"""Random JSON fed to every JSON-reading command never produces a traceback.

Each command must answer 0 (valid input) or 2 (an error naming a field); status 70 means an
unexpected exception escaped a rule - a bug.  The generator mixes arbitrary JSON with documents
shaped like each command's schema (its own property names, plausible and absurd values).
"""

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdil2.cli.invoke import invoke
from hdil2.cli.schema import json_schema, registry

# command argv (reading stdin) for each schema name that is a command input
COMMANDS: dict[str, list[str]] = {
    "dose": ["dose", "-", "--json"],
    "calendar": ["calendar", "-", "--json"],
    "next-dose": ["next-dose", "-", "--json"],
    "grade": ["grade", "-", "--json"],
    "patient": ["screen", "-", "--json"],
    "assess": ["assess", "-", "--json"],
    "next-course": ["next-course", "-", "--json"],
}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["70 kg", "175 cm", "-1 kg", "1e400 kg", "0 mg/dL", "4.5 mg/dL",
                     "2026-04-06T08:00", "2026-03-08T02:30", "America/New_York", "UTC",
                     "hd-il2-600k", "sc-il2-ifn", "hd-il2-720k", "label", "dutcher2014",
                     "NaN", "given", "held", "140 10^9/L", "30000 /mm3", "22 mmol/L"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


# a valid document per command; the fuzzer perturbs a few of its keys
VALID: dict[str, dict[str, Any]] = {
    "dose": {"regimen": "hd-il2-600k", "weight": "70 kg", "height": "175 cm"},
    "calendar": {"regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00",
                 "tz": "America/New_York"},
    "next-dose": {"regimen": "hd-il2-600k", "first_dose": "2026-04-06T08:00", "tz": "UTC",
                  "doses": [{"slot": 1, "status": "given"}],
                  "observations": {"spo2_pct": 95, "sbp_mmhg": 100,
                                   "creatinine": "1.0 mg/dL"}},
    "assess": {"start_date": "2024-01-01",
               "lesions": [{"id": "T1", "organ": "liver", "kind": "target"}],
               "visits": [{"date": "2024-01-01", "lesions": {"T1": {"ld_mm": 20}}},
                          {"date": "2024-02-12", "lesions": {"T1": {"ld_mm": 12}}}]},
    "next-course": {"courses": [{"discharge_date": "2024-01-30", "response": "PR"}]},
    "patient": {"id": "FUZZ-1", "weight": "70 kg", "ecog": 0,
                "diagnosis": {"disease": "rcc", "histology": "clear_cell"}},
    "grade": {"term": "creatinine_increased", "value": "1.5 mg/dL", "uln": "1.2 mg/dL",
              "baseline": "0.9 mg/dL"},
}


def _shaped(name: str) -> st.SearchStrategy[Any]:
    schema = json_schema(name)
    props = sorted({*schema.get("properties", {}),
                    *(p for d in schema.get("$defs", {}).values()
                      for p in d.get("properties", {}))})
    random_keys = st.dictionaries(st.sampled_from(props), json_values, max_size=len(props))
    perturbed = st.dictionaries(st.sampled_from(props), json_values, max_size=2).map(
        lambda changes: {**VALID[name], **changes})
    return st.one_of(random_keys, perturbed)


def run(args: list[str], stdin: str) -> tuple[int, str]:
    code, _, err = invoke(args, stdin)
    return code, err


def test_every_command_schema_is_fuzzed() -> None:
    assert set(COMMANDS) <= set(registry())
    assert set(VALID) == set(COMMANDS)
    for name, doc in VALID.items():
        code, err = run(COMMANDS[name], json.dumps(doc))
        assert code == 0, err


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_json_never_crashes(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(COMMANDS)))
    doc = data.draw(st.one_of(json_values, _shaped(name)))
    text = data.draw(st.one_of(st.just(json.dumps(doc)), st.text(max_size=20)))
    code, err = run(COMMANDS[name], text)
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert json.loads(err)["errors"][0]["field"]
