"""The `khetmap` command line: fetch, ingest, summary, synth, run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pandas as pd

from dashboard import boundaries, config, files, i18n, store, text
from dashboard.access import privacy
from dashboard.analysis import (
    classify,
    departments,
    director,
    imports,
    metrics,
    review,
    routing,
    targets,
)
from dashboard.analysis.coverage import RESTS_ON
from dashboard.analysis.filters import Filters, replace_filters
from dashboard.errors import FilterError, KhetmapError, OutputFileError, StoreError
from dashboard.ingest import fetch, sync
from dashboard.ingest.load import ingest_files
from dashboard.ingest.synth import write_synth
from dashboard.launcher import run
from dashboard.notify import delivery
from dashboard.render import action_sheet, brief, rounds
from dashboard.render.urlstate import DATE_RANGE, MIN_N_RANGE
from dashboard.store import Reader, history
from dashboard.vocab import BANGKOK_TZ, local_midnight

if TYPE_CHECKING:
    from dashboard.analysis.imports import ChangeFigures, Changes
    from dashboard.render.action_sheet import SheetData
    from dashboard.render.rounds import Round


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 bad input or data)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except KhetmapError as exc:
        print(f"khetmap: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("khetmap: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if config.debug():
            raise
        print(
            f"khetmap: internal error: {type(exc).__name__}: {exc} "
            "(rerun with KHETMAP_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1


class _Parser(argparse.ArgumentParser):
    """argparse, saying a bad argument in one line (no usage block) with exit 2; the
    commands' parsers are made of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="khetmap", description="Bangkok Traffy Fondue complaints: data and dashboard."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (
        _fetch_parser,
        _ingest_parser,
        _sync_parser,
        _history_parser,
        _alerts_parser,
        _summary_parser,
        _changes_parser,
        _synth_parser,
        _hotspots_parser,
        _brief_parser,
        _classify_parser,
        _actions_parser,
        _round_parsers,
        _grant_reader_parser,
        _run_parser,
    ):
        add(commands)
    return parser


def _fetch_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    fetch = commands.add_parser("fetch", help="download the data files into the data directory")
    fetch.add_argument(
        "--data-dir", type=Path, help="target folder (default KHETMAP_DATA_DIR or data/)"
    )
    fetch.add_argument(
        "--mirror", help="base URL of a mirror serving the files by name (default: upstream)"
    )
    fetch.add_argument(
        "--force", action="store_true", help="download again even if a verified copy exists"
    )
    fetch.set_defaults(handler=_fetch)


def _ingest_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    ingest = commands.add_parser(
        "ingest", help="read Traffy CSV / Open311 JSON files into the store"
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument(
        "--store",
        help="a DuckDB file or a postgresql:// URL (default KHETMAP_STORE or data/khetmap.duckdb)",
    )
    ingest.add_argument("--json", action="store_true", help="print the reconciliation as JSON")
    ingest.add_argument(
        "--allow-truncated",
        action="store_true",
        help="store a file whose last record was cut short (with a warning) instead of refusing it",
    )
    ingest.set_defaults(handler=_ingest)


def _sync_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    sync = commands.add_parser(
        "sync",
        help="bring the store up to date from Traffy's public API (or its CSV dump) and keep "
        "today's backlog snapshot; safe to run from cron",
    )
    sync.add_argument("--source", choices=["api", "dump"], default="api")
    reach = sync.add_mutually_exclusive_group()
    reach.add_argument(
        "--since",
        type=_date,
        help="api: read back to this day (default: the oldest open ticket and the last sync)",
    )
    reach.add_argument("--pages", type=int, help="api: read at most this many pages")
    sync.add_argument(
        "--base-url", help="the API (or dump) address (default KHETMAP_API_URL / KHETMAP_DUMP_URL)"
    )
    sync.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    sync.set_defaults(handler=_sync)


def _history_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    snapshots = commands.add_parser("history", help="the backlog's daily snapshots")
    kept = snapshots.add_subparsers(dest="history_command", required=True)
    remove = kept.add_parser(
        "remove", help="delete the snapshots of the days after a date (left by a wrong clock)"
    )
    remove.add_argument(
        "--after", type=_date, required=True, help="keep this day and earlier (YYYY-MM-DD)"
    )
    remove.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    remove.set_defaults(handler=_history_remove)


def _alerts_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    alerts = commands.add_parser(
        "alerts", help="digests and alerts per area, by mail, webhook, feed"
    )
    alerts_commands = alerts.add_subparsers(dest="alerts_command", required=True)
    alerts_run = alerts_commands.add_parser(
        "run", help="send what is due to every subscription (after the daily sync; safe to rerun)"
    )
    alerts_run.add_argument(
        "--subscriptions",
        type=Path,
        help="the subscriptions file (default KHETMAP_SUBSCRIPTIONS; without one, only the "
        "subscriptions users added in the app)",
    )
    alerts_run.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    alerts_run.add_argument(
        "--dry-run", action="store_true", help="list what would be sent; send and record nothing"
    )
    alerts_run.set_defaults(handler=_alerts_run)


def _summary_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    summary = commands.add_parser(
        "summary", help="per-area (or per-department) counts, open share, ages"
    )
    summary.add_argument(
        "--by", choices=["district", "subdistrict", "department"], default="district"
    )
    summary.add_argument(
        "--district", help="--by department: one district's DOPA code, e.g. 1006 (default: all)"
    )
    summary.add_argument("--format", choices=["table", "json", "csv"], default="table")
    summary.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (Bangkok time)")
    summary.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (Bangkok time)")
    summary.add_argument(
        "--category", action="append", default=[], help="category name (repeatable)"
    )
    summary.add_argument("--as-of", type=_date, help="date at which open ages are measured")
    summary.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    summary.set_defaults(handler=_summary)


def _changes_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    changed = commands.add_parser(
        "changes", help="what the imports changed per ticket in a district (new, state, ...)"
    )
    changed.add_argument("--district", required=True, help="the district's DOPA code, e.g. 1006")
    changed.add_argument(
        "--since-import",
        type=_whole_number(0, 2_000_000_000),
        help="list the changes of the imports after this one (default: the last import's)",
    )
    changed.add_argument("--format", choices=["table", "json", "csv"], default="table")
    changed.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    changed.set_defaults(handler=_changes)


def _synth_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    synth = commands.add_parser("synth", help="write realistic synthetic tickets (dump layout)")
    synth.add_argument("--rows", type=int, required=True)
    synth.add_argument("--out", type=Path, required=True)
    synth.add_argument("--like", type=Path, help="learn the category/state/time mix from this file")
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(handler=_synth)


def _hotspots_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    hot = commands.add_parser(
        "hotspots",
        help="where complaints concentrate (demand), stay unresolved (rate) or get worse "
        "(emerging), on H3 cells, with the areas a district can act on",
    )
    hot.add_argument("--kind", choices=["demand", "rate", "emerging"], default="rate")
    hot.add_argument(
        "--measure",
        choices=["reports", "backlog"],
        default="reports",
        help="emerging: weekly reports, or the open backlog (needs finish times)",
    )
    hot.add_argument("--resolution", type=int, choices=[8, 9], default=8)
    hot.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (Bangkok time)")
    hot.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (Bangkok time)")
    hot.add_argument("--category", action="append", default=[], help="category name (repeatable)")
    hot.add_argument("--format", choices=["table", "json", "csv"], default="table")
    hot.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    hot.set_defaults(handler=_hotspots)


def _brief_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    brief = commands.add_parser(
        "brief", help="write the meeting brief (A4 PDF, or HTML if --out ends in .html)"
    )
    brief.add_argument("--lang", choices=i18n.LANGS, default="th")
    brief.add_argument("--out", type=Path, required=True, help="brief.pdf or brief.html")
    brief.add_argument("--since", type=_date, help="first day, YYYY-MM-DD (Bangkok time)")
    brief.add_argument("--until", type=_date, help="last day, YYYY-MM-DD (Bangkok time)")
    brief.add_argument("--category", action="append", default=[], help="category (repeatable)")
    brief.add_argument(
        "--min-tickets",
        type=_whole_number(*MIN_N_RANGE),
        default=30,
        help=f"to be ranked ({MIN_N_RANGE[0]}–{MIN_N_RANGE[1]:,}; default 30)",
    )
    brief.add_argument("--resolution", type=int, choices=[8, 9], default=8)
    brief.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    brief.set_defaults(handler=_brief)


def _classify_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    classify = commands.add_parser(
        "classify", help="learn categories from typed tickets' comments; predict the untyped"
    )
    classify.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    classify.add_argument(
        "--evaluate", action="store_true", help="print held-out scores and baselines only"
    )
    classify.add_argument(
        "--min-f1",
        type=float,
        default=classifier_min_f1(),
        help="never predict a category whose held-out F1 is below this (default 0.7)",
    )
    classify.add_argument(
        "--model",
        type=Path,
        help="keep the model in this file (default: next to a DuckDB store; none for PostgreSQL)",
    )
    classify.set_defaults(handler=_classify)


def _actions_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    action_sheet = commands.add_parser(
        "actions",
        help="the weekly action sheet of a district: an Excel workbook with a sheet per "
        "responsible unit (overdue and oldest open tickets) and this week against last",
    )
    action_sheet.add_argument(
        "--district", required=True, help="the district's DOPA code, e.g. 1006"
    )
    action_sheet.add_argument("--lang", choices=i18n.LANGS, default="th")
    action_sheet.add_argument(
        "--out", type=Path, required=True, help="the workbook (.xlsx) or a PDF for printing (.pdf)"
    )
    action_sheet.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    action_sheet.add_argument(
        "--redact",
        action="store_true",
        help="hide personal data in citizens' text as the public view does (for a sheet that "
        "leaves the district office); without it, staff get the full text",
    )
    action_sheet.set_defaults(handler=_actions)


def _grant_reader_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    grant = commands.add_parser(
        "grant-reader", help="PostgreSQL: create a login role that can only read (the dashboard's)"
    )
    grant.add_argument("role")
    grant.add_argument("--store", help="the postgresql:// URL (default KHETMAP_STORE)")
    grant.set_defaults(handler=_grant_reader)


def _run_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    run = commands.add_parser(
        "run", help="start the dashboard (ingests the default data on first run)"
    )
    run.add_argument("--port", type=int, default=8501)
    run.add_argument("--address", default="127.0.0.1")
    run.add_argument("--store", help="a DuckDB file or a postgresql:// URL")
    run.set_defaults(handler=_run)


def _date(text: str) -> date:
    """A day as YYYY-MM-DD, within the dates a link may carry (`urlstate.DATE_RANGE`)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a date; use YYYY-MM-DD") from None
    low, high = DATE_RANGE
    if not low <= day <= high:
        raise argparse.ArgumentTypeError(f"{day} is not a day from {low} to {high}")
    return day


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argument type: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{text[:40]!r} is not a whole number from {low:,} to {high:,}"
            )
        return value

    return parse


def _filters(args: argparse.Namespace) -> Filters:
    """The command's --since, --until and --category as filters, checked against the store:
    a period that ends before it starts or starts after the newest report, or a category
    the store does not have, is one line (`FilterError`), not an empty or absurd result."""
    if args.since and args.until and args.since > args.until:
        raise FilterError(f"--since {args.since} is after --until {args.until}; swap them.")
    with store.at(_store_path(args)).reader() as con:
        return _checked_filters(args, con)


def _checked_filters(args: argparse.Namespace, con: Reader) -> Filters:
    newest = metrics.newest_report(con)
    newest_day = newest.astimezone(BANGKOK_TZ).date() if newest else None
    if args.since and newest_day and args.since > newest_day:
        raise FilterError(
            f"--since {args.since} is after the newest report in the store ({newest_day}); "
            "give an earlier day."
        )
    categories = metrics.parse_categories(args.category)
    known = metrics.known_categories(con) if categories else []
    for category in categories:
        if category not in known:
            raise FilterError(
                f"--category {category[:40]!r} is not a category in the store; it has "
                f"{len(known):,}, e.g. {', '.join(known[:5])}."
            )
    return Filters(since=args.since, until=args.until, categories=categories)


def _store_path(args: argparse.Namespace) -> str:
    """The store's location: `--store` (a file or a postgresql:// URL), else KHETMAP_STORE."""
    return str(args.store) if getattr(args, "store", None) else config.store_location()


def classifier_min_f1() -> float:
    return classify.MIN_F1


def _classify(args: argparse.Namespace) -> int:
    target = store.at(_store_path(args))
    with target.reader() as con:
        typed = classify.typed_tickets(con)
        untyped = classify.untyped_tickets(con) if not args.evaluate else None
    if args.evaluate:
        print(classify.report(classify.evaluate(typed)))
        return 0
    path = args.model or config.model_file() or target.beside("classifier.pkl", visible=True)
    classify.check_learnable(typed)  # what can fail fails here, before minutes of training
    target.prepare_write()
    if path is not None:
        files.check_writable(path)
    model, evaluation = classify.train(typed, data_version=target.version(), min_f1=args.min_f1)
    assert untyped is not None
    predicted = classify.predict(model, untyped)
    target.replace_predictions(
        predicted, scores=classify.scores_table(model), trained_at=model.trained_at
    )
    if path is not None:
        model.save(path)
    print(classify.report(evaluation))
    kept = path or "not kept (a PostgreSQL store: pass --model FILE or set KHETMAP_MODEL)"
    print(
        f"\nmodel: {kept} (trained {model.trained_at:%Y-%m-%d %H:%M} UTC on "
        f"{model.trained_on:,} typed tickets); predicts {len(model.predicts)} of "
        f"{len(model.classes)} categories (held-out F1 >= {args.min_f1:g})"
    )
    print(
        f"predicted: {len(predicted):,} of {len(untyped):,} untyped tickets "
        "(their own category is left as the citizen gave it)"
    )
    return 0


def _grant_reader(args: argparse.Namespace) -> int:
    target = store.at(_store_path(args))
    target.grant_reader(args.role, password=config.reader_password())
    print(f"role {args.role} can read {target.describe()} and nothing else")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    target = args.data_dir or config.data_dir()
    for line in fetch.fetch_all(data_dir=target, mirror=args.mirror, force=args.force):
        print(line)
    return 0


def _ingest(args: argparse.Namespace) -> int:
    result = ingest_files(
        paths=list(args.paths),
        store_path=_store_path(args),
        progress=_progress_bar(),
        allow_truncated=args.allow_truncated,
    )
    for warning in result.warnings:
        print(f"khetmap: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"store: {store.at(_store_path(args)).describe()}")
        print(result.report())
    return 0


def _sync(args: argparse.Namespace) -> int:
    if args.pages is not None and args.pages < 1:
        raise FilterError(f"--pages {args.pages}: give a number of pages of at least 1.")
    today = history.bangkok_day(datetime.now(UTC))
    if args.since is not None and args.since > today:
        raise FilterError(
            f"--since {args.since} is after today ({today}, Bangkok): give a day already past."
        )
    logging.basicConfig(format="khetmap: %(message)s", level=logging.WARNING)
    outcome = sync.sync(
        location=_store_path(args),
        source=args.source,
        since=args.since,
        pages=args.pages,
        base_url=args.base_url,
        progress=_progress_bar(),
    )
    print(outcome.line())
    return 0


def _history_remove(args: argparse.Namespace) -> int:
    target = store.at(_store_path(args))
    if not target.exists():
        raise StoreError(f"no khetmap store at {target.describe()}: nothing to remove.")
    with target.writing() as con:
        removed = history.remove_after(con, after=args.after)
    print(
        f"history: removed the snapshots of {removed:,} days after {args.after} "
        f"from {target.describe()}"
    )
    return 0


def _alerts_run(args: argparse.Namespace) -> int:
    path = args.subscriptions or config.subscriptions_file()
    summary = delivery.run(  # without a file: only the subscriptions users added in the app
        location=_store_path(args), subscriptions_path=path,
        dry_run=args.dry_run,
    )  # fmt: skip
    for line in summary.planned:
        print(line)
    print(summary.line(dry_run=args.dry_run))
    return 1 if summary.failed else 0


def _progress_bar() -> Callable[[str, float], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(stage: str, fraction: float) -> None:
        width = 30
        filled = int(width * fraction)
        end = "\n" if fraction >= 1 else ""
        bar = "#" * filled + "." * (width - filled)
        print(f"\r[{bar}] {fraction:4.0%} {stage:<40}", end=end, file=sys.stderr, flush=True)

    return show


def _summary(args: argparse.Namespace) -> int:
    if args.by == "department":
        return _department_summary(args)
    if args.district:
        raise FilterError("--district goes with --by department; drop it or add --by department")
    filters = _filters(args)
    layer = boundaries.load_districts() if args.by == "district" else boundaries.load_subdistricts()
    population = boundaries.load_population() if args.by == "district" else None
    with store.at(_store_path(args)).reader() as con:
        as_of = local_midnight(args.as_of) if args.as_of else metrics.store_as_of(con)
        if as_of is None:
            raise KhetmapError(
                f"the store {_store_path(args)} has no tickets: run `khetmap ingest FILE` first."
            )
        frame = metrics.area_summary(
            con, by=args.by, layer=layer, population=population, filters=filters, as_of=as_of
        )
        found = metrics.data_coverage(con, filters=filters)
    print(f"as of {as_of.isoformat()}", file=sys.stderr)
    for column, field in RESTS_ON.items():  # the summary's columns that rest on a field
        note = found.note(field, "en") if column in metrics.SUMMARY_COLUMNS else ""
        if note:  # an empty column must not pass for a finding: say it is missing or partial
            print(f"{column}: {note}", file=sys.stderr)
    print(_format(frame, args.format), end="")
    return 0


def _district_code(code: str | None) -> str | None:
    """`--district`, checked: a Bangkok district's DOPA code."""
    if code is None:
        return None
    if code not in boundaries.load_districts().codes:
        raise FilterError(f"--district {code[:20]!r} is not a Bangkok district code (1001–1050)")
    return code


NO_DEPARTMENT_SHOWN = "(no department)"
"""The table's name for the tickets that name no department (JSON: null; CSV: empty)."""


def _department_summary(args: argparse.Namespace) -> int:
    district = _district_code(args.district)
    districts = boundaries.load_districts()
    names = dict(zip(districts.codes, districts.names_th, strict=True))
    filters = _filters(args)
    with store.at(_store_path(args)).reader() as con:
        found = departments.department_summary(
            con,
            filters=replace_filters(filters, district=district),
            district_names_th=names,
            routing=routing.load(),
        )
    basis = (
        "departments as the data names them (org_response)"
        if found.basis == "named"
        else "the data names no departments: each ticket has the department its category "
        "belongs to in the routing table (routed)"
    )
    note = f"{found.tickets:,} tickets, {found.in_several:,} in two or more departments: {departments.IN_EACH_NOTE}"
    print(f"{basis}; {note}", file=sys.stderr)
    rows = found.rows.assign(department=found.rows["department"].map(_cell_text(args.format)))
    if args.format == "json":
        document = {
            "basis": found.basis,
            "tickets": found.tickets,
            "open": found.open,
            "in_several": found.in_several,
            "note": departments.IN_EACH_NOTE,
            "departments": metrics.records(rows),
        }
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return 0
    if args.format == "table":
        rows["department"] = rows["department"].fillna(NO_DEPARTMENT_SHOWN)
    print(_format_records(rows, args.format), end="")
    if args.format == "table":
        print(f"({found.basis}) {note}")
    return 0


def _cell_text(style: str) -> Callable[[object], object]:
    """Text from the data as the output shows it: no direction controls; a CSV cell that
    cannot start a formula; None stays None (JSON null, an empty CSV cell)."""

    def shown(value: object) -> object:
        if value is None or (isinstance(value, float) and value != value):
            return None
        cleaned = text.plain(value)
        return text.neutralise_cell(cleaned) if style == "csv" else cleaned

    return shown


def _changes(args: argparse.Namespace) -> int:
    district = _district_code(args.district)
    with store.at(_store_path(args)).reader() as con:
        last = metrics.last_ingest(con)
        if args.since_import is not None and args.since_import > int(
            (last or {}).get("ingest_id") or 0
        ):
            raise FilterError(
                f"--since-import {args.since_import} is after the store's last import "
                f"({int((last or {}).get('ingest_id') or 0)}); give an earlier one."
            )
        found = imports.changes(con, district=district, since_import=args.since_import)
    if found is None:
        raise KhetmapError(
            f"the store {_store_path(args)} keeps no record of changes yet: it starts with "
            "the next `khetmap ingest` or `khetmap sync`."
        )
    counted = imports.figures(found)
    print(_changes_line(found, counted), file=sys.stderr)
    rows = found.rows.copy()
    for column in ("value_before", "value_after"):
        rows[column] = rows[column].map(_cell_text(args.format))
    if args.format == "json":
        document = {
            "district": district,
            "imports": list(found.imports),
            "figures": {**vars(counted)},
            "changes": metrics.records(rows),
        }
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return 0
    print(_format_records(rows, args.format), end="")
    return 0


def _changes_line(found: Changes, counted: ChangeFigures) -> str:
    span = (
        f"import {found.last_import}"
        if found.imports == (found.last_import,)
        else f"imports {found.since_import + 1}–{found.last_import}"
    )
    passed = ", ".join(f"{n:,} passed to {name}" for name, n in counted.passed_to.items())
    return (
        f"{span}: {counted.new:,} new ({counted.new_open:,} open), {counted.finished:,} finished, "
        f"{counted.reopened:,} reopened, {counted.state_changes:,} changed state, "
        f"{counted.rated:,} rated" + (f", {passed}" if passed else "")
    )


def _format(frame: object, style: str) -> str:
    """Summary rows as json/csv (raw numbers) or an aligned table (rounded for reading)."""

    assert isinstance(frame, pd.DataFrame)
    if style != "table":
        return _format_records(frame, style)
    shown = frame.copy()
    shown["open_share"] = shown["open_share"].map(lambda v: "" if pd.isna(v) else f"{v:.1%}")
    for column in ("open_per_10k", "median_days_to_finish", "mean_star"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    return _format_records(shown, "table")


def _hotspots(args: argparse.Namespace) -> int:
    filters = _filters(args)
    layer = boundaries.load_districts()
    with store.at(_store_path(args)).reader() as con:
        found = review.hotspot_review(
            con,
            filters=filters,
            kind=args.kind,
            measure=args.measure,
            resolution=args.resolution,
            layer=layer,
        )
    print(found.method_line(), file=sys.stderr)
    if found.analysis.unavailable:
        print(f"khetmap: {found.unavailable_text('en')}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(found.as_json(), ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    print(_format_records(found.analysis.cells, args.format), end="")
    return 0


def _brief(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() not in (".pdf", ".html"):
        raise FilterError(f"--out {args.out} must end in .pdf or .html")
    files.check_writable(args.out)
    filters = _filters(args)
    districts = boundaries.load_districts()
    subdistricts = boundaries.load_subdistricts()
    names = boundaries.area_names((districts, subdistricts), args.lang)
    with store.at(_store_path(args)).reader() as con:
        data = brief.compose(
            con,
            lang=args.lang,
            filters=filters,
            settings=review.ReviewSettings(
                min_tickets=args.min_tickets, resolution=args.resolution
            ),
            districts=districts,
            names=names,
            population=boundaries.load_population(),
        )
    pdf = args.out.suffix.lower() == ".pdf"
    content = files.write_rendered(
        args.out,
        lambda: brief.to_pdf(brief.render_html(data)) if pdf else brief.render_html(data).encode(),
    )
    print(
        f"brief: {args.out} ({len(content):,} bytes, {args.lang}, "
        f"{data.period.since} to {data.period.until})"
    )
    return 0


def _actions(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() not in (".xlsx", ".pdf"):
        raise FilterError(f"--out {args.out} must end in .xlsx (Excel) or .pdf (for printing)")
    files.check_writable(args.out)
    districts = boundaries.load_districts()
    if args.district not in districts.codes:
        raise FilterError(
            f"--district {args.district[:20]!r} is not a Bangkok district code (1001–1050)"
        )
    in_force = targets.load()
    names = boundaries.area_names((districts, boundaries.load_subdistricts()), args.lang)
    with store.at(_store_path(args)).reader() as con:
        as_of = metrics.store_as_of(con)
        if as_of is None:
            raise KhetmapError(
                f"the store {_store_path(args)} has no tickets: run `khetmap ingest FILE` first."
            )
        judged = director.week_tickets(
            con, filters=Filters(district=args.district), as_of=as_of, targets=in_force
        )
        predicted = departments.predicted_categories(con, judged=judged)
    if args.redact:
        judged = privacy.protect_tickets(judged, disclosure=privacy.PUBLIC, lang=args.lang)
    data = action_sheet.sheet_data(
        judged,
        district_code=args.district,
        names=names,
        district_name_th=districts.names_th[districts.index_of(args.district)],
        lang=args.lang,
        as_of=as_of,
        predicted=predicted,
    )
    pdf = args.out.suffix.lower() == ".pdf"
    content = files.write_rendered(
        args.out, lambda: action_sheet.print_pdf(data) if pdf else action_sheet.workbook(data)
    )
    rows = sum(len(frame) for frame in data.units.values())
    print(
        f"actions: {args.out} ({len(content):,} bytes, {args.lang}, district {args.district}, "
        f"{rows:,} tickets on {len(data.units)} department sheets, week {data.week.this.since} to "
        f"{data.week.this.until}, targets: {in_force.source}"
        f"{', personal data redacted' if args.redact else ''})"
    )
    return 0


def _district_sheet(args: argparse.Namespace) -> tuple[SheetData, int | None]:
    """What a district's sheets show, read from the store now (its judged tickets routed to
    units, the week, what the last import changed), and the store's last import."""
    districts = boundaries.load_districts()
    district = _district_code(args.district) or ""
    names = boundaries.area_names((districts, boundaries.load_subdistricts()), args.lang)
    filters = Filters(district=district)
    with store.at(_store_path(args)).reader() as con:
        as_of = metrics.store_as_of(con)
        if as_of is None:
            raise KhetmapError(
                f"the store {_store_path(args)} has no tickets: run `khetmap ingest FILE` first."
            )
        judged = director.week_tickets(con, filters=filters, as_of=as_of, targets=targets.load())
        predicted = departments.predicted_categories(con, judged=judged)
        changed = imports.changes(con, district=district)
        basis = metrics.finish_time_basis(con, filters=filters)
        last = metrics.last_ingest(con)
    data = action_sheet.sheet_data(
        judged,
        district_code=district,
        names=names,
        district_name_th=districts.names_th[districts.index_of(district)],
        lang=args.lang,
        as_of=as_of,
        predicted=predicted,
        changes=imports.figures(changed) if changed and changed.comparable else None,
        finish_basis=basis,
    )
    return data, int(last["ingest_id"]) if last else None


def _round_parsers(commands: argparse._SubParsersAction[_Parser]) -> None:
    rounds = commands.add_parser(
        "round",
        help="report rounds: each department's open tickets handed out at one moment (a "
        "workbook each), and the evidence each returns",
    )
    verbs = rounds.add_subparsers(dest="round_command", required=True)
    made = verbs.add_parser("new", help="make a round: store it and write its workbooks")
    made.add_argument("--district", required=True, help="the district's DOPA code, e.g. 1006")
    made.add_argument("--out", type=Path, required=True, help="an existing folder")
    made.add_argument("--lang", choices=i18n.LANGS, default="th")
    made.set_defaults(handler=_round_new)
    listed = verbs.add_parser("list", help="the rounds, newest first")
    listed.add_argument("--district", help="one district's DOPA code (default: all)")
    listed.add_argument("--format", choices=["table", "json", "csv"], default="table")
    listed.set_defaults(handler=_round_list)
    shown = verbs.add_parser("show", help="a round's units, tickets and evidence")
    shown.add_argument("round_id", type=_whole_number(1, 2_000_000_000), metavar="ID")
    shown.add_argument("--format", choices=["table", "json"], default="table")
    shown.add_argument(
        "--out", type=Path, help="write the round's workbooks, as handed out, into this folder"
    )
    shown.set_defaults(handler=_round_show)
    back = verbs.add_parser("return", help="keep a unit's evidence (an image or a PDF)")
    back.add_argument("round_id", type=_whole_number(1, 2_000_000_000), metavar="ID")
    back.add_argument("file", type=Path, metavar="FILE")
    who = back.add_mutually_exclusive_group(required=True)
    who.add_argument("--department", help="the unit as the round names it, e.g. ฝ่ายโยธา")
    who.add_argument("--unrouted", action="store_true", help="the group no department had yet")
    back.set_defaults(handler=_round_return)
    closed = verbs.add_parser("lock", help="lock a round: it takes no more evidence")
    closed.add_argument("round_id", type=_whole_number(1, 2_000_000_000), metavar="ID")
    closed.set_defaults(handler=_round_lock)
    for verb in (made, listed, shown, back, closed):
        verb.add_argument("--store", help="a DuckDB file or a postgresql:// URL")


def _out_folder(path: Path) -> Path:
    if not path.is_dir():
        raise OutputFileError(f"--out {path} is not an existing folder; create it first.")
    return path


def _round_new(args: argparse.Namespace) -> int:
    out = _out_folder(args.out)
    store.at(_store_path(args)).prepare_write()
    data, last_import = _district_sheet(args)
    made = rounds.owner_write(
        _store_path(args),
        lambda con: rounds.make(
            con,
            data=data,
            district_code=args.district,
            made_at=datetime.now(UTC),
            last_import=last_import,
        ),
    )
    print(
        f"round {made.round_id}: district {args.district}, {made.tickets:,} open tickets as of "
        f"{data.as_of:%Y-%m-%d %H:%M} UTC in {len(made.workbooks)} workbooks, in {out}"
    )
    _write_workbooks(out, made.workbooks)
    return 0


def _write_workbooks(out: Path, workbooks: dict[str, tuple[str, bytes]]) -> None:
    for unit, (name, content) in workbooks.items():
        files.write_atomically(out / name, content)
        print(f"  {out / name}  {_cell_text('table')(unit) or NO_DEPARTMENT_SHOWN}")


def _round_list(args: argparse.Namespace) -> int:
    district = _district_code(args.district)
    with store.at(_store_path(args)).reader() as con:
        found = rounds.listing(con, district=district)
    print(_format_records(found, args.format), end="")
    return 0


def _round_show(args: argparse.Namespace) -> int:
    out = _out_folder(args.out) if args.out else None
    with store.at(_store_path(args)).reader() as con:
        found = rounds.find(con, round_id=args.round_id)
        workbooks = rounds.workbooks_of(con, round_id=args.round_id) if out else {}
    units = found.units.assign(unit=found.units["unit"].map(_cell_text(args.format)))
    units["evidence_name"] = units["evidence_name"].map(_cell_text(args.format))
    if args.format == "json":
        document = {**_round_head(found), "units": metrics.records(units)}
        print(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        print(" ".join(f"{k}={v}" for k, v in _round_head(found).items()))
        units["unit"] = units["unit"].map(lambda u: u or NO_DEPARTMENT_SHOWN)
        print(_format_records(units, "table"), end="")
    if out is not None:
        _write_workbooks(out, workbooks)
    return 0


def _round_head(found: Round) -> dict[str, object]:
    return {
        "round_id": found.round_id,
        "district": found.district_code,
        "made_at": found.made_at.isoformat(),
        "as_of": found.as_of.isoformat(),
        "last_import": found.last_import,
        "tickets": found.tickets,
        "locked_at": found.locked_at.isoformat() if found.locked_at else None,
    }


def _round_return(args: argparse.Namespace) -> int:
    content, kind = rounds.read_evidence(args.file)
    department = None if args.unrouted else args.department
    at = datetime.now(UTC)

    def keep(con: Reader) -> str:
        unit = rounds.unit_of(rounds.find(con, round_id=args.round_id), department=department)
        rounds.add_evidence(
            con, round_id=args.round_id, unit=unit, name=args.file.name, content=content,
            kind=kind, at=at,
        )  # fmt: skip
        return unit

    unit = rounds.owner_write(_store_path(args), keep)
    print(
        f"round {args.round_id}: evidence of {_cell_text('table')(unit) or NO_DEPARTMENT_SHOWN} "
        f"kept ({kind}, {len(content):,} bytes) at {at:%Y-%m-%d %H:%M} UTC"
    )
    return 0


def _round_lock(args: argparse.Namespace) -> int:
    at = datetime.now(UTC)
    locked = rounds.owner_write(
        _store_path(args), lambda con: rounds.lock(con, round_id=args.round_id, at=at)
    )
    state = "locked" if locked else "was already locked"
    print(f"round {args.round_id} {state}: it takes no more evidence")
    return 0


def _format_records(frame: object, style: str) -> str:
    assert isinstance(frame, pd.DataFrame)
    if style == "json":
        return json.dumps(metrics.records(frame), ensure_ascii=False, indent=1) + "\n"
    if style == "csv":
        return str(frame.to_csv(index=False))
    return frame.to_string(index=False) + "\n"


def _synth(args: argparse.Namespace) -> int:
    if args.rows <= 0:
        raise KhetmapError(f"--rows must be a positive number, got {args.rows}.")
    write_synth(
        rows=args.rows,
        out=args.out,
        districts=boundaries.load_districts(),
        like=args.like,
        seed=args.seed,
    )
    print(f"wrote {args.rows:,} synthetic tickets to {args.out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    return run(store_path=_store_path(args), port=args.port, address=args.address)


if __name__ == "__main__":
    raise SystemExit(main())
