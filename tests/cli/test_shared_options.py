"""An option two commands share is defined once: ``check`` and ``import`` refuse the same values
with the same one-line usage error (exit 2), before a query is sent or a config is read."""

from __future__ import annotations

import pytest

from maildns.cli import main

# The arguments each command needs besides the option under test; argparse refuses the option
# before the PATH is read, so the folder need not exist.
COMMANDS = {"check": ["no-such-config"], "import": ["example.gov"]}

REFUSED = [
    ("--timeout", "nan", "'nan' must be a positive, finite number of seconds"),
    ("--timeout", "inf", "'inf' must be a positive, finite number of seconds"),
    ("--timeout", "-1", "'-1' must be a positive, finite number of seconds"),
    ("--timeout", "0", "'0' must be a positive, finite number of seconds"),
    ("--timeout", "soon", "'soon' is not a number of seconds"),
    ("--nameserver", "ns1.example", "'ns1.example' is not an IP address (with an optional :port)"),
    ("--nameserver", "192.0.2.1:0", "'192.0.2.1:0' has port '0'; a port is 1-65535"),
    ("--nameserver", "[2001:db8::1]:65536", "'[2001:db8::1]:65536' has port '65536'; a port is 1-65535"),
]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("option", "value", "message"),
    REFUSED,
    ids=[f"{option} {value} is refused" for option, value, _ in REFUSED],
)
def test_shared_option_refuses_the_same_values_with_one_line(capsys, command, option, value, message):
    """``import --timeout nan`` would wait forever on a silent server; ``-1`` makes every query fail at once."""
    with pytest.raises(SystemExit) as exit_:
        main([command, *COMMANDS[command], option, value])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"maildns {command}: error: argument {option}: {message}\n")


@pytest.mark.parametrize(
    ("command", "option", "value", "message"),
    [
        ("synth", "--jobs", "0", "'0' is not a number of processes (1 or more)"),
        ("check", "--jobs", "0", "'0' is not a number of domains (1 or more)"),
        ("check", "--jobs", "many", "'many' is not a number of domains (1 or more)"),
        ("validate", "--format", "yaml", "invalid choice: 'yaml' (choose from 'text', 'json')"),
    ],
    ids=["synth counts processes", "check counts domains", "a count is a number", "a format not offered"],
)
def test_other_option_errors_are_one_line(capsys, command, option, value, message):
    with pytest.raises(SystemExit) as exit_:
        main([command, "no-such-config", option, value])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == f"maildns {command}: error: argument {option}: {message}\n"


def test_missing_ca_file_is_the_same_usage_error_for_import(tmp_path, capsys):
    """As ``check --ca-file`` (tests/cli/test_check_options.py): refused before any query."""
    missing = tmp_path / "ca.pem"
    assert main(["import", "example.gov", "--nameserver", "127.0.0.1:9", "--ca-file", str(missing), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"maildns import: --ca-file {missing}: No such file or directory\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_shared_options_read_the_same_in_help(capsys, command):
    """One definition: the same help line for --timeout, --nameserver and --ca-file in both commands."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for line in (
        "--nameserver ADDR[:PORT] ask this server instead of the system resolver",
        "--ca-file PEM trust these CA certificates for the policy host",
        "--timeout SECONDS per query and per HTTPS fetch (default: 5)",
    ):
        assert line in text
