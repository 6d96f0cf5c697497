"""Incremental synth writes, file by file, the bytes a full synth writes (manifest.json included).

Random sets of configs get random edits (a domain changed, added, removed, ``_defaults.yaml``
changed, a signed child added, the maildns version bumped); after each round the output of a
synth that reuses its cache is compared with a fresh full synth, and the stacks synthesized
again are exactly those whose inputs changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from maildns import fanout
from maildns.config import config_files, load_configs
from maildns.plan import plan
from maildns.synthesis import cache as synth_cache
from maildns.synthesis import configs as kept
from maildns.synthesis import synthesize
from tests.cli.test_stacks import DOMAINS, git, repo  # noqa: F401  # repo is a fixture
from tests.synth.test_fanout import files


def shape(name: str, kind: int, ttl: int) -> str:
    """Config ``kind`` for ``name``: full with SES and MTA-STS, parked, SES without Easy DKIM and a
    zone id, parked on S3 state with its own DMARC reports, signed with its DS in the parent zone."""
    return [
        f"domain: {name}\nttl: {ttl}\nmx: [{{host: mx.{name}, preference: 10}}]\nses: {{regions: [us-west-2]}}\n"
        f"mta_sts: {{mode: enforce}}\ntls_rpt: {{rua: [mailto:tls@{name}]}}\n",
        f"domain: {name}\nmail: none\nttl: {ttl}\n",
        f"domain: {name}\nzone_id: Z0123456789ABCDEFGHIJ\nttl: {ttl}\nses: {{regions: [us-east-1], easy_dkim: false}}\n",
        f"domain: {name}\nmail: none\nbackend: {{bucket: agency-state, region: us-east-1}}\ndmarc: {{rua: [mailto:d@{name}]}}\n",
        f"domain: {name}\nmx: [{{host: mx.{name}, preference: 10}}]\ndnssec: {{signing: true, publish_ds: true}}\n",
    ][kind]


DEFAULTS = [
    "dmarc: {rua: [mailto:dmarc@d0.example.gov]}\n",  # reports to a configured domain: its authorisations
    "dmarc: {rua: [mailto:dmarc@d0.example.gov], p: quarantine}\n",
    "ttl: 900\n",
]

Edit = tuple[str, int, int]  # (what, which domain, a value)
EDITS = st.tuples(
    st.sampled_from(["change", "add", "remove", "defaults", "signed-child", "version"]),
    st.integers(0, 7),
    st.integers(0, 4),
)


class World:
    """A config folder: example.gov (the parent zone) and d<i>.example.gov of some kinds."""

    def __init__(self, folder: Path, kinds: list[int], defaults: int) -> None:
        self.folder = folder
        self.domains = {f"d{i}.example.gov": (kind, 300) for i, kind in enumerate(kinds)}
        self.defaults = defaults
        self.version = "1"

    def write(self) -> None:
        for path in self.folder.glob("*.yaml"):
            path.unlink()
        (self.folder / "_defaults.yaml").write_text(DEFAULTS[self.defaults])
        (self.folder / "example.gov.yaml").write_text("domain: example.gov\nmail: none\n")
        for name, (kind, ttl) in self.domains.items():
            (self.folder / f"{name}.yaml").write_text(shape(name, kind, ttl))

    def apply(self, edit: Edit) -> None:
        what, which, value = edit
        names = sorted(self.domains)
        target = names[which % len(names)] if names else None
        if what == "change" and target is not None:
            kind, ttl = self.domains[target]
            self.domains[target] = (kind, ttl + 60)
        elif what == "add":
            # Another organisational domain sending reports to d0.example.gov: its authorisation
            # record goes into d0.example.gov's zone (RFC 7489 7.1).
            self.domains[f"n{which}x{value}.example.{'org' if value % 2 else 'gov'}"] = (value, 300)
        elif what == "remove" and target is not None and len(names) > 1:
            del self.domains[target]
        elif what == "defaults":
            self.defaults = (self.defaults + 1 + value % 2) % len(DEFAULTS)
        elif what == "signed-child" and target is not None:
            self.domains[f"s{value}.{target}"] = (4, 300)  # its DS in target's zone
        elif what == "version":
            self.version += ".1"


@pytest.fixture
def synthesized(monkeypatch):
    """The stack names each synth synthesized (the rest came from the cache)."""
    calls: list[set[str]] = []
    real = fanout._synth_all

    def recording(plans, outdir, jobs, progress):
        calls.append({p.stack_name for p in plans})
        real(plans, outdir, jobs, progress)

    monkeypatch.setattr(fanout, "_synth_all", recording)
    return calls


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Every kind of edit at least once, whatever the random draws are.
@example(start=([0, 1], 0), rounds=[[("signed-child", 0, 1), ("change", 1, 0)], [("signed-child", 0, 2)], [("version", 0, 0)]])
@example(start=([4, 2, 3], 1), rounds=[[("defaults", 0, 0)], [("remove", 1, 0), ("add", 1, 1)]])
@given(
    start=st.tuples(st.lists(st.integers(0, 4), min_size=1, max_size=4), st.integers(0, len(DEFAULTS) - 1)),
    rounds=st.lists(st.lists(EDITS, min_size=1, max_size=2), min_size=1, max_size=3),
)
def test_incremental_synth_equals_a_full_synth(tmp_path_factory, monkeypatch, synthesized, start, rounds):
    root = tmp_path_factory.mktemp("incremental")
    monkeypatch.setenv("MAILDNS_CACHE", str(root / "cache"))
    monkeypatch.delenv("MAILDNS_NO_CACHE", raising=False)
    world = World(root / "config", *start)
    world.folder.mkdir()
    monkeypatch.setattr(synth_cache, "version_of", lambda name: world.version if name == "maildns" else "pinned")
    world.write()
    synthesize(kept.load(config_files([world.folder]), root / "cache"), root / "out", jobs=1)
    seen = {path.split("/")[1]: {data} for path, data in files(root / "out").items() if path.startswith("stacks/")}
    for number, edits in enumerate(rounds):
        before = files(root / "out")
        version = world.version
        for edit in edits:
            world.apply(edit)
        world.write()
        # The configs come through the config cache too: only the files this round changed are
        # validated again, and what comes out equals a fresh load.
        configs = kept.load(config_files([world.folder]), root / "cache")
        assert configs == load_configs([world.folder])
        assert [c._source for c in configs] == [c._source for c in load_configs([world.folder])]
        synthesized.clear()
        synthesize(configs, root / "out", jobs=1)
        done = set().union(*synthesized)
        fresh = root / f"fresh-{number}"
        synthesize(configs, fresh, jobs=1, cache=False)
        after = files(fresh)
        assert files(root / "out") == after
        names = {c.stack_name for c in configs}
        if world.version != version:
            assert done == names  # other code: nothing comes from the cache
            continue
        # What changed was synthesized again; anything else only beside a stack it is linked with
        # (a signed child and its parent zone are one component).
        # A stack whose bytes are those of an earlier round (an edit undone) may come from the cache.
        changed = {n for n in names if before.get(stack(n)) != after[stack(n)]}
        linked = {p.stack_name for component in fanout.components(plan(configs)) if len(component) > 1 for p in component}
        assert all(after[stack(n)] in seen.get(n, set()) for n in changed - done)
        assert done - changed <= linked
        for n in names:
            seen.setdefault(n, set()).add(after[stack(n)])


def stack(name: str) -> str:
    return f"stacks/{name}/cdk.tf.json"


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """The synth cache switched on, in a folder of this test's own."""
    monkeypatch.setenv("MAILDNS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MAILDNS_NO_CACHE", raising=False)
    return tmp_path / "cache"


def small_world(folder: Path) -> list:
    world = World(folder, [0, 1, 4], 0)
    folder.mkdir()
    world.write()
    return list(load_configs([folder]))


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.glob("*/*.json") if not p.name.startswith("."))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]), id="cut short"),
        pytest.param(lambda path: path.write_text(path.read_text().replace("example.gov", "exampla.gov", 1)), id="content changed"),
        pytest.param(lambda path: path.write_text("{}"), id="another document"),
        pytest.param(lambda path: path.write_bytes(b"\xff\xfe"), id="not text"),
        pytest.param(lambda path: path.unlink(), id="removed"),
    ],
)
def test_a_damaged_cache_entry_means_a_synth_never_a_wrong_output(tmp_path, cached, synthesized, damage):
    configs = small_world(tmp_path / "config")
    synthesize(configs, tmp_path / "out", jobs=1)
    synthesize(configs, tmp_path / "fresh", jobs=1, cache=False)
    for entry in entries(cached):
        damage(entry)
    synthesized.clear()
    shutil.rmtree(tmp_path / "out")
    synthesize(configs, tmp_path / "out", jobs=1)
    assert files(tmp_path / "out") == files(tmp_path / "fresh")
    assert set().union(*synthesized) == {c.stack_name for c in configs}  # every entry was damaged


def test_no_cache_synthesizes_every_stack(tmp_path, cached, synthesized, capsys):
    from maildns.cli import main

    small_world(tmp_path / "config")
    assert main(["synth", str(tmp_path / "config"), "--out", str(tmp_path / "out")]) == 0
    synthesized.clear()
    assert main(["synth", str(tmp_path / "config"), "--out", str(tmp_path / "out")]) == 0
    assert synthesized == []  # all from the cache
    assert main(["synth", str(tmp_path / "config"), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    assert synthesized == [{"example-gov", "d0-example-gov", "d1-example-gov", "d2-example-gov"}]
    capsys.readouterr()


def test_changed_since_and_diff_use_the_cache_for_both_revisions(repo, cached, capsys, monkeypatch):  # noqa: F811  # the fixture
    """The same answers with the cache as without; the revision's synth fills the same cache."""
    from maildns.cli import main

    def answers() -> tuple[str, str]:
        assert main(["stacks", "--changed-since", "HEAD~1"]) == 0
        stacks = capsys.readouterr().out
        assert main(["diff", "HEAD~1", "HEAD"]) == 0
        return stacks, capsys.readouterr().out

    (repo / "config" / "b.example.yaml").write_text(DOMAINS["b.example"] + "ttl: 300\n")
    git(repo, "commit", "--quiet", "-am", "b.example: ttl 300")
    first = answers()
    assert first[0] == "b-example\n" and "b.example" in first[1]
    # a and p (the same on both sides), b before and after: the revision's synth used the cache too.
    assert len(entries(cached)) == 4
    stored = {p: p.stat().st_mtime_ns for p in entries(cached)}
    assert answers() == first
    assert {p: p.stat().st_mtime_ns for p in entries(cached)} != stored  # read again (their use time)
    assert set(entries(cached)) == set(stored)  # nothing synthesized again
    monkeypatch.setenv("MAILDNS_NO_CACHE", "1")
    assert answers() == first
