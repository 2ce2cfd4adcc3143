"""Issue 29, documents and commands: a failed write keeps the previous document, a targets
file that is a device, a pipe or nested thousands deep is one line (the CLI) or a warning
and the defaults (the district page), and a bad argument of brief, summary or hotspots is
one line and exit 2.

The commands that could hang, exhaust memory or fill a disk run in a subprocess with limits
(a timeout, 2 GB of address space, a maximum file size with SIGXFSZ ignored so that a write
past it fails with EFBIG, as on a full disk).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.cli import main
from dashboard.ingest.load import ingest_files
from tests.apptest import open_page, plain, serving
from tests.fixtures import ticket, write_csv

ROOT = Path(__file__).resolve().parents[1]
LIMITED = """
import resource, signal, sys
memory, size = int(sys.argv[1]), int(sys.argv[2])
if memory:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
if size:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
from dashboard.cli import main
raise SystemExit(main(sys.argv[3:]))
"""
GIGABYTES_2 = 2 << 30
DEEP_TOML = "a = " + "[" * 5000 + "]" * 5000 + "\n"


def run_limited(
    args: list[str], *, memory: int = 0, file_size: int = 0
) -> subprocess.CompletedProcess[str]:
    """`khetmap ARGS` in a child with at most `memory` bytes of address space and files of
    at most `file_size` bytes (0: no limit); a child that hangs fails the test in 120 s."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(memory), str(file_size), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def store(tmp_path: Path, data_dir: Path) -> Path:
    """Sixty days of road and flood tickets in three districts."""
    rows = [
        ticket(f"T{day:02d}{k}", code=code, timestamp=f"2022-{6 + day // 30:02d}-{day % 30 + 1:02d} 03:00:00+00",
               type_="{ถนน}" if k else "{น้ำท่วม}", state="เสร็จสิ้น" if (day + k) % 2 else "รอรับเรื่อง")
        for day in range(60) for k, code in enumerate(("1001", "1002", "1011"))
    ]  # fmt: skip
    location = tmp_path / "s.duckdb"
    ingest_files(
        paths=[write_csv(tmp_path / "t.csv", rows)], store_path=location, data_dir=data_dir
    )
    return location


# --- writes: the previous document survives ---------------------------------------------


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["brief", "--min-tickets", "5"], "brief.pdf"),
        (["actions", "--district", "1001"], "week.xlsx"),
    ],
)
def test_a_write_on_a_full_disk_keeps_the_previous_document_and_says_so_in_one_line(
    store: Path, tmp_path: Path, command: list[str], name: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / name
    args = [*command, "--store", str(store), "--out", str(out)]
    assert main(args) == 0
    previous = out.read_bytes()
    assert len(previous) > 8192
    failed = run_limited(args, file_size=4096)
    assert (failed.returncode, failed.stderr) == (
        2,
        f"khetmap: error: {out} was not written: the disk is full (File too large); any "
        "previous file there is unchanged; free space or write elsewhere.\n",
    )
    assert out.read_bytes() == previous
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left


@pytest.mark.parametrize("command", [["brief"], ["actions", "--district", "1001"]])
def test_a_missing_folder_or_a_folder_as_the_output_is_one_line_and_exit_2(
    store: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = ".pdf"
    missing = tmp_path / "nowhere" / f"doc{suffix}"
    assert main([*command, "--store", str(store), "--out", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"khetmap: error: {missing}: the folder {missing.parent} does not exist; create it "
        "first or write elsewhere.\n"
    )
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept", encoding="utf-8")
    assert main([*command, "--store", str(store), "--out", str(folder)]) == 2
    assert capsys.readouterr().err == (
        f"khetmap: error: {folder} is a folder; give the path of a file inside it.\n"
    )
    assert [p.name for p in folder.iterdir()] == ["kept.txt"]
    assert not missing.parent.exists()


# --- targets files that are not small regular files --------------------------------------


@pytest.fixture
def bad_targets(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """A device, a pipe with no writer and a file nested 5,000 deep, each with the CLI's line."""
    fifo = tmp_path / "targets.fifo"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.toml"
    deep.write_text(DEEP_TOML, encoding="utf-8")
    fix = "; fix KHETMAP_TARGETS or unset it to use the shipped defaults"
    return {
        "device": (Path("/dev/zero"), f"/dev/zero is not a regular file (a folder, pipe or device){fix}"),
        "pipe": (fifo, f"{fifo} is not a regular file (a folder, pipe or device){fix}"),
        "deep": (deep, f"{deep}: values nested too deeply (a targets file needs two levels: "
                       "[default] days = N and [categories] name = days)"),
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["device", "pipe", "deep"])
@pytest.mark.parametrize(
    "command", [["actions", "--district", "1001", "--out", "{out}"], ["summary"]]
)
def test_a_targets_file_that_is_a_device_a_pipe_or_nested_too_deep_is_one_line_in_the_cli(
    store: Path,
    tmp_path: Path,
    bad_targets: dict[str, tuple[Path, str]],
    kind: str,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, line = bad_targets[kind]
    monkeypatch.setenv("KHETMAP_TARGETS", str(path))
    out = str(tmp_path / "week.xlsx")
    args = [part.replace("{out}", out) for part in command]
    done = run_limited([*args, "--store", str(store)], memory=GIGABYTES_2)
    assert (done.returncode, done.stderr, done.stdout) == (
        2,
        f"khetmap: error: targets file {line}\n",
        "",
    )
    assert not Path(out).exists()


@pytest.fixture
def page_store(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with serving(store, monkeypatch):
        yield store


@pytest.mark.parametrize(
    ("kind", "reason"), [("device", "not_a_file"), ("pipe", "not_a_file"), ("deep", "too_deep")]
)
@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_district_page_warns_in_its_language_and_uses_the_default_targets(
    page_store: Path,
    bad_targets: dict[str, tuple[Path, str]],
    kind: str,
    reason: str,
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KHETMAP_TARGETS", str(bad_targets[kind][0]))
    at = open_page("district", district="1001", lang=lang)
    assert not at.exception and not at.error
    warning = i18n.t("targets_bad", lang, error=i18n.t(f"targets_why_{reason}", lang))
    assert [plain(w.value) for w in at.warning] == [warning]
    captions = [plain(c.value) for c in at.caption]
    assert i18n.t("targets_shipped", lang) in captions
    assert any(c.startswith(i18n.t("target_rule", lang, days=30, as_of="")[:40]) for c in captions)


# --- arguments: one line and exit 2 -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["brief", "--min-tickets", "-5"],
         "khetmap brief: error: argument --min-tickets: '-5' is not a whole number from 1 to "
         "100,000 (see khetmap brief --help)"),
        (["brief", "--min-tickets", "1e12"],
         "khetmap brief: error: argument --min-tickets: '1e12' is not a whole number from 1 to "
         "100,000 (see khetmap brief --help)"),
        (["brief", "--min-tickets", "1000000000000"],
         "khetmap brief: error: argument --min-tickets: '1000000000000' is not a whole number "
         "from 1 to 100,000 (see khetmap brief --help)"),
        (["brief", "--since", "2099-01-01"],
         "khetmap: error: --since 2099-01-01 is after the newest report in the store "
         "(2022-07-30); give an earlier day."),
        (["brief", "--category", "ไม่มีประเภทนี้"],
         "khetmap: error: --category 'ไม่มีประเภทนี้' is not a category in the store; it has 3, "
         "e.g. ถนน, น้ำท่วม, unspecified."),
        (["brief", "--until", "9999-12-31"],
         "khetmap brief: error: argument --until: 9999-12-31 is not a day from 2015-01-01 to "
         "2100-12-31 (see khetmap brief --help)"),
        (["brief", "--since", "0001-01-01", "--until", "2022-07-01"],
         "khetmap brief: error: argument --since: 0001-01-01 is not a day from 2015-01-01 to "
         "2100-12-31 (see khetmap brief --help)"),
        (["summary", "--since", "2099-01-01"],
         "khetmap: error: --since 2099-01-01 is after the newest report in the store "
         "(2022-07-30); give an earlier day."),
        (["summary", "--category", "nosuch"],
         "khetmap: error: --category 'nosuch' is not a category in the store; it has 3, "
         "e.g. ถนน, น้ำท่วม, unspecified."),
        (["summary", "--until", "9999-12-31"],
         "khetmap summary: error: argument --until: 9999-12-31 is not a day from 2015-01-01 "
         "to 2100-12-31 (see khetmap summary --help)"),
        (["hotspots", "--since", "2099-01-01"],
         "khetmap: error: --since 2099-01-01 is after the newest report in the store "
         "(2022-07-30); give an earlier day."),
        (["hotspots", "--category", "nosuch"],
         "khetmap: error: --category 'nosuch' is not a category in the store; it has 3, "
         "e.g. ถนน, น้ำท่วม, unspecified."),
        (["hotspots", "--since", "2022-07-02", "--until", "2022-07-01"],
         "khetmap: error: --since 2022-07-02 is after --until 2022-07-01; swap them."),
    ],
)  # fmt: skip
def test_a_bad_argument_of_brief_summary_or_hotspots_is_one_line_and_exit_2(
    store: Path, tmp_path: Path, args: list[str], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    out = tmp_path / "brief.pdf"
    extra = ["--out", str(out)] if args[0] == "brief" else []
    assert exit_code([*args, *extra, "--store", str(store)]) == 2
    assert capsys.readouterr() == ("", message + "\n")
    assert not out.exists()


def exit_code(args: list[str]) -> int:
    """`main`'s code, or argparse's (it exits on a bad argument before `main` can return)."""
    try:
        return main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
