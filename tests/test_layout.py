"""One concept, one place: checked, so that the next change cannot quietly spread it."""

from __future__ import annotations

import re
from pathlib import Path

from tests import architecture

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
WRITE_PATH = {"ingest.py", "normalise.py", "store.py", "pgstore.py", "history.py", "outbox.py"}
"""Modules that write (the ingest's staging and upsert SQL) and the stores' own plumbing."""
SHELL = {"app.py", "shell.py", "cache.py", "widgets.py"}


def test_every_read_query_lives_in_the_queries_module() -> None:
    spread = [
        path.name
        for path in DASHBOARD.rglob("*.py")
        if path.name not in WRITE_PATH | {"queries.py"}
        and re.search(r"\bSELECT\b", path.read_text(encoding="utf-8"))
    ]
    assert spread == []


def test_the_core_never_imports_streamlit() -> None:
    core = [p for p in DASHBOARD.glob("*.py") if p.name not in SHELL]
    assert core, "no core modules found"
    importing = [
        p.name
        for p in core
        if re.search(r"^\s*(import|from) streamlit", p.read_text(encoding="utf-8"), re.M)
    ]
    assert importing == []


def test_the_words_for_open_are_defined_once() -> None:
    defined = [
        path.name
        for path in DASHBOARD.rglob("*.py")
        if re.search(
            r'"waiting",\s*"forwarded",\s*"in_progress",\s*"other"',
            path.read_text(encoding="utf-8"),
        )
    ]
    assert defined == ["vocab.py"]


def test_every_setting_config_reads_is_a_row_of_the_readmes_settings_table() -> None:
    read = set(re.findall(r'"(KHETMAP_[A-Z0-9_]+)"', (DASHBOARD / "config.py").read_text("utf-8")))
    readme = (DASHBOARD.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("| setting | default | meaning |")
    table = readme[start : readme.index("\n\n", start)]
    assert len(read) > 40
    assert {name for name in read if f"`{name}`" not in table} == set()


def test_no_module_but_config_reads_the_environment() -> None:
    # the launcher builds the dashboard server's environment from its own (a child
    # process's, not a setting read)
    assert architecture.env_readers() == ["dashboard.config", "dashboard.launcher"]


def test_the_deploy_recipe_calls_only_real_commands_and_settings() -> None:
    from dashboard.cli import _parser

    deploy = DASHBOARD.parent / "deploy"
    text = "".join(p.read_text(encoding="utf-8") for p in deploy.iterdir())
    commands = set(re.findall(r"khetmap ([a-z-]+)", text))
    known = set(_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands and commands <= known, commands - known
    settings = set(re.findall(r"\b(KHETMAP_[A-Z_]+)", text))
    code = "".join(p.read_text(encoding="utf-8") for p in DASHBOARD.rglob("*.py"))
    internal = {"KHETMAP_DB_PASSWORD", "KHETMAP_DUMP"}  # the recipe's own variables
    assert {s for s in settings - internal if s not in code} == set()
    assert "streamlit" in text and "dashboard/app.py" in text and "ip_hash" in text


def test_every_map_metric_is_a_summary_column_with_a_label_in_both_languages() -> None:
    from dashboard import i18n
    from dashboard.analysis import mapmetrics, metrics
    from dashboard.ui import urlstate

    assert set(mapmetrics.NAMES) <= set(metrics.SUMMARY_COLUMNS)
    assert set(mapmetrics.NAMES) == set(i18n.METRIC_LABELS) == set(urlstate.METRICS)


def test_the_readmes_layout_names_every_module_of_the_package() -> None:
    readme = (DASHBOARD.parent / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") : readme.index("## Data sources")]
    modules = {p.stem for p in DASHBOARD.glob("*.py") if p.stem != "__init__"}
    missing = {m for m in modules if f"`{m}`" not in layout and f"`{m}.py`" not in layout}
    assert missing == set(), f"add these to the README's Layout section: {sorted(missing)}"
