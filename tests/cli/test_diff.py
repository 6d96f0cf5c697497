"""``maildns diff``: what a reviewer needs to see between two synth outputs."""

from __future__ import annotations

import json

from maildns.cli import main
from maildns.diff import diff, load_stacks, render


def stack(**records: dict) -> dict:
    return {
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {"aws_route53_record": {name: {"//": {"metadata": {"path": name}}, **body} for name, body in records.items()}},
    }


def txt(name: str, *values: str) -> dict:
    return {"name": name, "type": "TXT", "ttl": 3600, "records": list(values), "zone_id": "Z1"}


def test_identical_outputs_have_no_changes():
    doc = stack(spf=txt("example.gov", "v=spf1 -all"))
    assert list(diff({"s": doc}, {"s": doc})) == []
    assert render([]) == "0 to add, 0 to change, 0 to remove"


def test_changed_txt_is_shown_as_resolvers_see_it():
    """TXT pieces split for Route53 are joined again, so the review shows the real record."""
    old = stack(dkim=txt("k._domainkey.example.gov", "v=DKIM1; p=" + "a" * 250 + '""' + "b" * 10))
    new = stack(dkim=txt("k._domainkey.example.gov", "v=DKIM1; p=" + "a" * 250 + '""' + "c" * 10))
    (change,) = diff({"s": old}, {"s": new})
    assert change.kind == "~" and change.address == "aws_route53_record.dkim"
    assert change.lines == ("- v=DKIM1; p=" + "a" * 250 + "b" * 10, "+ v=DKIM1; p=" + "a" * 250 + "c" * 10)


def test_added_removed_and_attribute_changes():
    old = stack(spf=txt("example.gov", "v=spf1 -all"), dmarc=txt("_dmarc.example.gov", "v=DMARC1; p=none"))
    new = stack(spf={**txt("example.gov", "v=spf1 -all"), "ttl": 300}, tls_rpt=txt("_smtp._tls.example.gov", "v=TLSRPTv1;rua=mailto:t@example.gov"))
    assert render(list(diff({"s": old}, {"s": new}))).splitlines() == [
        "s",
        "  - aws_route53_record.dmarc  _dmarc.example.gov TXT",
        "      - v=DMARC1; p=none",
        "  ~ aws_route53_record.spf  example.gov TXT",
        "      ttl: 3600 -> 300",
        "  + aws_route53_record.tls_rpt  _smtp._tls.example.gov TXT",
        "      + v=TLSRPTv1;rua=mailto:t@example.gov",
        "1 to add, 1 to change, 1 to remove",
    ]


def test_cli_reads_cdktf_output_folders(tmp_path, capsys):
    for side, value in (("old", "v=spf1 -all"), ("new", "v=spf1 ~all")):
        path = tmp_path / side / "stacks" / "example-gov" / "cdk.tf.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(stack(spf=txt("example.gov", value))))
    assert load_stacks(tmp_path / "old").keys() == {"example-gov"}
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--exit-code"]) == 1
    assert main(["diff", str(tmp_path / "new"), str(tmp_path / "new"), "--exit-code"]) == 0
    out = capsys.readouterr().out
    assert "      - v=spf1 -all\n      + v=spf1 ~all" in out
