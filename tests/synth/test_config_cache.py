"""The config cache (``maildns.synthesis.configs``): a synth validates only the files that changed,
and what it gets equals a fresh load, problems included. The sameness under random edits is in
``test_incremental.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from maildns.cli import main
from maildns.config import ConfigError, config_files, load_configs, loading
from maildns.synthesis import configs as kept

DOMAIN = "domain: {name}\nmx: [{{host: mx.{name}, preference: 10}}]\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "_defaults.yaml").write_text("ttl: 900\n")
    for i in range(3):
        (config / f"d{i}.example.gov.yaml").write_text(DOMAIN.format(name=f"d{i}.example.gov"))
    return config


@pytest.fixture
def validated(monkeypatch) -> list[str]:
    """The files validated (read, parsed and checked) by ``load_config``."""
    calls: list[str] = []
    real = loading.load_config

    def recording(path):
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(kept, "load_config", recording)
    return calls


def load(folder: Path, root: Path | None):
    return kept.load(config_files([folder]), root)


def test_only_changed_files_are_validated_again(folder, tmp_path, validated):
    root = tmp_path / "cache"
    assert load(folder, root) == load_configs([folder])
    assert sorted(validated) == ["d0.example.gov.yaml", "d1.example.gov.yaml", "d2.example.gov.yaml"]
    validated.clear()
    assert load(folder, root) == load_configs([folder]) and validated == []
    (folder / "d1.example.gov.yaml").write_text(DOMAIN.format(name="d1.example.gov") + "ttl: 600\n")
    configs = load(folder, root)
    assert validated == ["d1.example.gov.yaml"]
    assert configs == load_configs([folder]) and configs[1].ttl == 600


def test_a_changed_defaults_file_validates_every_file_under_it(folder, tmp_path, validated):
    root = tmp_path / "cache"
    load(folder, root)
    validated.clear()
    (folder / "_defaults.yaml").write_text("ttl: 1800\n")
    configs = load(folder, root)
    assert len(validated) == 3 and {c.ttl for c in configs} == {1800}


@pytest.mark.parametrize(
    "damage",
    [b"", b"maildns configs 1", b"maildns configs 1\x80\x05garbage", b"not a cache at all", b"maildns configs 0" + b"x" * 100],
    ids=["empty", "header only", "broken pickle", "another file", "older layout"],
)
def test_a_damaged_cache_is_an_empty_one(folder, tmp_path, validated, damage):
    root = tmp_path / "cache"
    root.mkdir()
    (root / kept.FILE).write_bytes(damage)
    assert load(folder, root) == load_configs([folder])
    assert len(validated) == 3
    validated.clear()
    load(folder, root)
    assert validated == []  # rewritten whole


def test_a_file_with_a_problem_is_reported_on_every_synth(folder, tmp_path, validated):
    root = tmp_path / "cache"
    (folder / "d2.example.gov.yaml").write_text("domain: d2.example.gov\nmx: [{host: mx.d2.example.gov, preference: 70000}]\n")
    with pytest.raises(ConfigError) as fresh:
        load_configs([folder])
    for _ in range(2):
        with pytest.raises(ConfigError) as cached:
            load(folder, root)
        assert cached.value.lines == fresh.value.lines
    # Bad input writes nothing, the cache included: every file is validated again.
    assert validated.count("d2.example.gov.yaml") == 2 and validated.count("d0.example.gov.yaml") == 2
    assert not (root / kept.FILE).exists()


def test_cross_domain_problems_are_found_with_cached_configs(folder, tmp_path):
    root = tmp_path / "cache"
    load(folder, root)
    (folder / "copy.yaml").write_text(DOMAIN.format(name="d0.example.gov"))
    with pytest.raises(ConfigError) as fresh:
        load_configs([folder])
    with pytest.raises(ConfigError) as cached:
        load(folder, root)
    assert cached.value.lines == fresh.value.lines


def test_synth_keeps_configs_in_the_synth_cache_and_no_cache_keeps_none(folder, tmp_path, monkeypatch, validated):
    monkeypatch.setenv("MAILDNS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("MAILDNS_NO_CACHE", raising=False)
    assert main(["synth", str(folder), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    assert not (tmp_path / "cache" / kept.FILE).exists() and validated == []
    assert main(["synth", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "cache" / kept.FILE).exists() and len(validated) == 3
    validated.clear()
    assert main(["synth", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert validated == []
