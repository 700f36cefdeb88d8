"""Time the plan importer on a ~30-page plan: extract (file -> text lines) + parse (-> draft).

  python -m bench.import_bench                 7 timed runs per format, writes bench/RESULTS.md
  python -m bench.import_bench --runs 15 --pages 60 --keep /tmp/plan

The plan is assembled from real text: the opening, objectives and closing of doc 14 (the Lào Cai
Sở Công Thương plan, read from its .docx) around a task section that repeats doc 14's task
blocks and the seed plan's task blocks (renumbered) until the document reaches the wanted length,
plus an appendix table of tasks. It is written as a .docx (python-docx: bold headings and labels,
real tables), as .md (the same lines) and as a text-layer .pdf (printed by Chromium, which also
gives the true page count; without Chromium the PDF is skipped and pages are estimated).

Each format: one warm-up run, then N timed runs of extract() + parse_document() in one process;
the medians are reported. Only the "Importer" section of bench/RESULTS.md (between the
<!-- importer-bench --> markers) is written; the rest of the file is kept as it is.
"""

import argparse
import datetime as dt
import html
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import DEFAULT_DATABASE_URL, REPO, django_setup

DATA = REPO / "kehoach" / "plans" / "tests" / "data" / "importer" / "docs"
DOCX_14 = DATA / "14_laocai-sct-dean08-cong-nghiep.docx"
SEED = DATA / "00_seed.md"
RESULTS = REPO / "bench" / "RESULTS.md"
START, END = "<!-- importer-bench -->", "<!-- /importer-bench -->"
WORDS_PER_PAGE = 430  # A4, Times New Roman 13-14 pt, the decree 30/2020 margins: for estimates
CHROMIUM = "/usr/bin/chromium"


# --- the plan ---------------------------------------------------------------------------------


def _between(lines: list[str], start: str, end: str | None) -> list[str]:
    """Lines from the first starting with `start` (markers ignored) up to the one with `end`."""
    plain = [line.replace("**", "").lstrip("# ") for line in lines]
    first = next(i for i, line in enumerate(plain) if line.startswith(start))
    last = len(lines)
    if end is not None:
        last = next(i for i, line in enumerate(plain) if i > first and line.startswith(end))
    return lines[first:last]


def _task_blocks(lines: list[str]) -> list[list[str]]:
    """Split a task section (without its heading) at its "N. " headings."""
    blocks: list[list[str]] = []
    for line in lines:
        if re.match(r"^(\*\*)?\d+\.\s", line.lstrip("# ")):
            blocks.append([])
        if blocks and line.strip():
            blocks[-1].append(line.lstrip("# ") if line.startswith("#") else line)
    return blocks


def _renumber(block: list[str], number: int) -> list[str]:
    head = re.sub(r"^(\*\*)?\d+\.", lambda m: f"{m.group(1) or ''}{number}.", block[0], count=1)
    return [head, *block[1:]]


def plan_lines(pages: int) -> list[str]:
    """The markdown-like lines of a plan of about `pages` pages."""
    from kehoach.plans.importer.extract import extract

    doc14 = [line.text for line in extract(DOCX_14.read_bytes(), DOCX_14.name).lines]
    seed = SEED.read_text(encoding="utf-8").split("\n")
    opening = _between(doc14, "| UBND TỈNH LÀO CAI", "III. NHIỆM VỤ TRỌNG TÂM")
    closing = _between(doc14, "IV. CÁC GIẢI PHÁP THỰC HIỆN", None)
    blocks14 = _task_blocks(_between(doc14, "III. NHIỆM VỤ TRỌNG TÂM", "IV. CÁC GIẢI PHÁP")[1:])
    seed_blocks = _task_blocks(_between(seed, "IV. NHIỆM VỤ CỤ THỂ", "V. KINH PHÍ")[1:])
    words_wanted = pages * WORDS_PER_PAGE
    tasks: list[str] = ["**III. NHIỆM VỤ TRỌNG TÂM**"]
    number = 0

    def words() -> int:
        return sum(len(line.split()) for line in opening + tasks + closing)

    appendix_rows: list[str] = []
    blocks = blocks14 + seed_blocks
    while words() + sum(len(row.split()) for row in appendix_rows) < words_wanted:
        for block in blocks[number % len(blocks) : number % len(blocks) + 1]:
            number += 1
            tasks.extend(_renumber(block, number))
            title = re.sub(r"^\d+\.\s*", "", block[0].replace("**", ""))
            appendix_rows.append(
                f"| {number} | {title} | Sở Công Thương | Các sở, ban, ngành; UBND các huyện, "
                f"thị xã, thành phố | Quý {['I', 'II', 'III', 'IV'][number % 4]}/2026 |"
            )
    appendix = [
        "",
        "**PHỤ LỤC: DANH MỤC NHIỆM VỤ**",
        "| TT | Nội dung nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |",
        *appendix_rows,
        "",
    ]
    return opening + tasks + closing + appendix


def write_docx(lines: list[str]) -> bytes:
    """A .docx of the lines: `**` runs bold, consecutive pipe rows as one Word table."""
    import docx

    document = docx.Document()
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        if not table_rows:
            return
        width = max(len(row) for row in table_rows)
        table = document.add_table(rows=len(table_rows), cols=width)
        for row_cells, cells in zip(table.rows, table_rows, strict=True):
            for cell, text in zip(row_cells.cells, cells, strict=False):
                parts = text.split(" <br> ")
                cell.text = parts[0]
                for part in parts[1:]:
                    cell.add_paragraph(part)
        table_rows.clear()

    for line in lines:
        if line.startswith("| ") and line.endswith("|"):
            table_rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
            continue
        flush_table()
        paragraph = document.add_paragraph()
        for index, piece in enumerate(line.split("**")):
            if piece:
                paragraph.add_run(piece).bold = index % 2 == 1
    flush_table()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_pdf(lines: list[str], workdir: Path) -> bytes | None:
    """The lines printed by Chromium as an A4 text-layer PDF; None without Chromium."""
    if not Path(CHROMIUM).exists():
        return None
    body: list[str] = []
    rows: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("| ") and line.endswith("|"):
            cells = line.strip("|").split(" | ")
            rows.append(
                "<tr>" + "".join(f"<td>{_html_cell(cell)}</td>" for cell in cells) + "</tr>"
            )
            continue
        if rows:
            body.append("<table>" + "".join(rows) + "</table>")
            rows = []
        text = html.escape(line)
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        body.append(f"<p>{text}</p>" if line.strip() else "")
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>'
        "@page{size:A4;margin:20mm 15mm 20mm 30mm}"
        "body{font-family:'Liberation Serif';font-size:14pt;line-height:1.3}"
        "p{margin:0 0 6pt;text-align:justify}table{border-collapse:collapse;width:100%}"
        "td{border:1px solid #000;padding:2pt;font-size:12pt;vertical-align:top}"
        "</style></head><body>" + "\n".join(body) + "</body></html>"
    )
    source = workdir / "plan.html"
    target = workdir / "plan.pdf"
    source.write_text(page, encoding="utf-8")
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return target.read_bytes()


def _html_cell(text: str) -> str:
    return "<br>".join(html.escape(part) for part in text.strip().split(" <br> "))


# --- timing -----------------------------------------------------------------------------------


def time_format(data: bytes, filename: str, runs: int) -> dict[str, Any]:
    from kehoach.plans.importer.extract import extract

    parse: Callable[[Any], dict[str, Any]] | None
    try:
        from kehoach.plans.importer.parse import parse_document as parse
    except ImportError:  # the parser is written in parallel; time extraction alone until then
        parse = None
    extract_ms: list[float] = []
    parse_ms: list[float] = []
    draft: dict[str, Any] = {}
    for run in range(runs + 1):  # the first run warms imports and caches, and is not counted
        started = time.perf_counter()
        document = extract(data, filename)
        extracted = time.perf_counter()
        if parse is not None:
            draft = parse(document)
        finished = time.perf_counter()
        if run:
            extract_ms.append((extracted - started) * 1000)
            parse_ms.append((finished - extracted) * 1000)
    totals = [a + b for a, b in zip(extract_ms, parse_ms, strict=True)]
    return {
        "file": filename,
        "bytes": len(data),
        "lines": len(document.lines),
        "extract": statistics.median(extract_ms),
        "parse": statistics.median(parse_ms) if parse is not None else None,
        "total": statistics.median(totals),
        "max": max(totals),
        "tasks": len(draft.get("tasks", [])) if parse is not None else None,
        "targets": len(draft.get("targets", [])) if parse is not None else None,
    }


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(results: list[dict[str, Any]], *, pages: int, pages_how: str, runs: int) -> str:
    words = results[0]["words"]
    lines = [
        START,
        "## Importer: a 30-page plan, file to draft",
        "",
        "Command: `python -m bench.import_bench" + (f" --runs {runs}" if runs != 7 else "") + "`. "
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, code at commit {_commit()}, "
        f"{os.cpu_count()} CPUs ({_cpu()}), Python {platform.python_version()}.",
        "",
        f"- Document: {pages} pages ({pages_how}), {words:,} words, built from doc 14 "
        "(opening, objectives, solutions, reporting) around its task blocks and the seed plan's "
        "task blocks repeated and renumbered, plus an appendix table of all tasks; the same text "
        "as .docx (python-docx, bold headings and labels, Word tables), .md and .pdf (Chromium).",
        f"- Each format: 1 warm-up run, then {runs} timed runs in one process of "
        "`extract(bytes, name)` and `parse_document(document)`; medians in milliseconds.",
        "",
        "| format | size | lines | extract ms | parse ms | total ms (median) | total ms (max) "
        "| ms per page | tasks found | targets found |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in results:
        parse = "—" if result["parse"] is None else f"{result['parse']:.0f}"
        lines.append(
            f"| {result['file'].rsplit('.', 1)[1]} | {result['bytes'] / 1024:,.0f} kB "
            f"| {result['lines']:,} | {result['extract']:.0f} | {parse} | {result['total']:.0f} "
            f"| {result['max']:.0f} | {result['total'] / pages:.1f} "
            f"| {'—' if result['tasks'] is None else result['tasks']} "
            f"| {'—' if result['targets'] is None else result['targets']} |"
        )
    slowest = max(result["total"] for result in results)
    verdict = "under" if slowest < 1000 else "OVER"
    lines += [
        "",
        f"Slowest format: {slowest:.0f} ms per document, {verdict} the 1 s target for a "
        "30-page plan. No test asserts these timings.",
        END,
    ]
    return "\n".join(lines)


def write_section(section: str, path: Path, start: str = START, end: str = END) -> None:
    """Replace the marked section of RESULTS.md, or append it; other sections stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section + "\n"
    path.write_text(text, encoding="utf-8")


EVAL_START, EVAL_END = "<!-- importer-eval -->", "<!-- /importer-eval -->"
LABELS = DATA.parent / "labels"


def accuracy_report() -> str:
    """`kehoach eval-import` on the labelled documents, as a RESULTS.md section."""
    from kehoach.plans.importer.evaluate import evaluate_dir, format_table

    table = format_table(evaluate_dir(DATA, LABELS))
    return "\n".join(
        [
            EVAL_START,
            "## Importer: accuracy on the labelled documents",
            "",
            "Command: `kehoach eval-import kehoach/plans/tests/data/importer/docs "
            "kehoach/plans/tests/data/importer/labels` (also run by `python -m bench.import_bench`)"
            f", {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. F1 per field; the documents are "
            "copies of shared/plans (doc 14 twice: its .md text and the original .docx).",
            "",
            "```",
            table.rstrip(),
            "```",
            EVAL_END,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per format (default 7)")
    parser.add_argument("--pages", type=int, default=30, help="target length (default 30)")
    parser.add_argument("--output", default=str(RESULTS), help="results file to update")
    parser.add_argument("--keep", help="directory to keep the generated plan files in")
    args = parser.parse_args(argv)
    django_setup(DEFAULT_DATABASE_URL)  # settings and gettext only: no database is touched

    lines = plan_lines(args.pages)
    words = sum(len(line.replace("**", "").split()) for line in lines)
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    files = {
        "ke-hoach-30-trang.docx": write_docx(lines),
        "ke-hoach-30-trang.md": "\n".join(lines).encode("utf-8"),
    }
    pdf = write_pdf(lines, workdir)
    if pdf is not None:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

        files["ke-hoach-30-trang.pdf"] = pdf
        pages = len(pdfium.PdfDocument(pdf))
        pages_how = "A4 pages of the Chromium print, Liberation Serif 14 pt"
    else:
        pages = max(1, round(words / WORDS_PER_PAGE))
        pages_how = f"estimated at {WORDS_PER_PAGE} words a page; Chromium not found"
    for name, data in files.items():
        (workdir / name).write_bytes(data)

    results = []
    for name, data in files.items():
        result = time_format(data, name, args.runs)
        result["words"] = words
        results.append(result)
        print(
            f"{name}: extract {result['extract']:.0f} ms + parse "
            f"{result['parse'] if result['parse'] is None else round(result['parse'])} ms "
            f"= {result['total']:.0f} ms median over {args.runs} runs ({pages} pages)",
            file=sys.stderr,
        )
    section = report(results, pages=pages, pages_how=pages_how, runs=args.runs)
    write_section(section, Path(args.output))
    print(section)
    accuracy = accuracy_report()
    write_section(accuracy, Path(args.output), EVAL_START, EVAL_END)
    print(accuracy)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
