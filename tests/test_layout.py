"""One concept, one place: checked, so that the next change cannot quietly spread it."""

from __future__ import annotations

import re
from pathlib import Path

from tests import architecture

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
WRITE_PATH = {
    "ingest/load.py",
    "ingest/normalise.py",
    "store/__init__.py",
    "store/duck.py",
    "store/postgres.py",
    "store/schema.py",
    "store/history.py",
    "notify/outbox.py",
}
"""Modules that write (the ingest's staging and upsert SQL) and the stores' own plumbing."""
SHELL = {"app.py", "ui"}
"""The Streamlit side: the router and the ui subpackage."""
LAYERS = {
    "entry": ["dashboard.app", "dashboard.cli", "dashboard.launcher"],
    "ui": ["dashboard.ui"],
    "notify": ["dashboard.notify"],
    "render": ["dashboard.render"],
    "analysis": ["dashboard.analysis"],
    "access": ["dashboard.access"],
    "ingest": ["dashboard.ingest"],
    "store": ["dashboard.store"],
    "base": ["dashboard"],
}
"""Top to bottom: a module imports from its own layer or the layers below it, never above."""


def _relative(path: Path) -> str:
    return path.relative_to(DASHBOARD).as_posix()


def _layer(module: str) -> int:
    """The index in LAYERS of a module: the longest prefix that names it."""
    ranked = [
        (len(prefix), rank)
        for rank, prefixes in enumerate(LAYERS.values())
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(ranked)[1]


def test_every_read_query_lives_in_the_queries_module() -> None:
    spread = [
        _relative(path)
        for path in DASHBOARD.rglob("*.py")
        if _relative(path) not in WRITE_PATH | {"store/queries.py"}
        and re.search(r"\bSELECT\b", path.read_text(encoding="utf-8"))
    ]
    assert spread == []


def test_the_core_never_imports_streamlit() -> None:
    core = [p for p in DASHBOARD.rglob("*.py") if _relative(p).split("/")[0] not in SHELL]
    assert len(core) > 50, "no core modules found"
    importing = [
        _relative(p)
        for p in core
        if re.search(r"^\s*(import|from) streamlit", p.read_text(encoding="utf-8"), re.M)
    ]
    assert importing == []


def test_the_package_has_no_import_cycles_counting_imports_inside_functions() -> None:
    assert architecture.cycles(architecture.import_graph()) == []


def test_no_function_imports_one_of_the_packages_own_modules() -> None:
    assert architecture.imports_inside_functions() == []


def test_an_import_inside_a_function_says_why_it_waits() -> None:
    assert architecture.unexplained_lazy_imports() == []


def test_imports_only_go_down_the_layers() -> None:
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in architecture.import_graph().items()
        for target in targets
        if target != "dashboard" and _layer(target) < _layer(module)
    )
    assert upward == []


def test_the_layer_order_catches_an_upward_import() -> None:
    assert _layer("dashboard.ui.pages.city") < _layer("dashboard.analysis.metrics")
    assert _layer("dashboard.analysis.metrics") < _layer("dashboard.store.queries")
    assert _layer("dashboard.store") < _layer("dashboard.config")
    assert _layer("dashboard.cli") < _layer("dashboard.ui.shell")


FUNCTION_EXCEPTIONS: set[tuple[str, str]] = set()
"""(module, function) allowed over 60 lines; each says why in a comment above it (at most 3)."""


def test_functions_are_at_most_60_lines_but_for_the_named_exceptions() -> None:
    long = {(module, name) for module, name, _ in architecture.long_functions()}
    assert long <= FUNCTION_EXCEPTIONS and len(FUNCTION_EXCEPTIONS) <= 3, sorted(long)


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
    from dashboard.render import urlstate

    assert set(mapmetrics.NAMES) <= set(metrics.SUMMARY_COLUMNS)
    assert set(mapmetrics.NAMES) == set(i18n.METRIC_LABELS) == set(urlstate.METRICS)


def _readme_tree() -> set[str]:
    """The module paths the README's Layout tree names (`ui/pages/city`), from its indentation."""
    readme = (DASHBOARD.parent / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") : readme.index("## Data sources")]
    block = layout.split("```")[1]
    folders: list[str] = []
    named = set()
    for line in block.splitlines():
        entry = re.match(r"^( *)([a-z0-9_]+)(\.py|/)", line)
        if not entry:
            continue
        depth = len(entry.group(1)) // 2
        folders = folders[:depth]
        if entry.group(3) == "/":
            folders.append(entry.group(2))
            named.add("/".join(folders[1:]))
        else:
            name = [] if entry.group(2) == "__init__" else [entry.group(2)]
            named.add("/".join([*folders[1:], *name]))
    return named


def test_the_readmes_layout_names_every_module_of_the_package() -> None:
    modules = {
        _relative(p).removesuffix(".py").removesuffix("/__init__").removesuffix("__init__")
        for p in DASHBOARD.rglob("*.py")
    }
    named = _readme_tree()
    assert "ui/pages/city" in named and "store" in named
    missing = sorted(modules - named)
    assert missing == [], f"add these to the README's Layout tree: {missing}"
    stale = sorted(named - modules)
    assert stale == [], f"the README's Layout tree names modules that do not exist: {stale}"


def test_every_module_the_scripts_and_deploy_files_run_exists() -> None:
    """`python -m dashboard.x` in setup, deploy and CI files names a module that is there.

    The package's move once left `scripts/setup.sh` running a module by its old path, and only
    a clean checkout (CI) found it: the suite runs from an already set-up tree.
    """
    root = DASHBOARD.parent
    files = [*root.joinpath("scripts").iterdir(), *root.joinpath("deploy").iterdir()]
    files += [root / ".ci" / "run", root / "README.md", root / "CONTRIBUTING.md"]
    named = {
        (path.name, module)
        for path in files
        if path.is_file()
        for module in re.findall(r"-m (dashboard(?:\.\w+)+)", path.read_text(encoding="utf-8"))
    }
    assert named, "the scripts run no module of the package: the pattern is stale"
    missing = sorted(
        (name, module)
        for name, module in named
        if not root.joinpath(*module.split(".")).with_suffix(".py").is_file()
        and not root.joinpath(*module.split("."), "__main__.py").is_file()
    )
    assert missing == [], f"these files run modules that do not exist: {missing}"
