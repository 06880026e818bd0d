"""Decompression bombs against the document parser (prints figures; asserts nothing).

Builds a ~1 MB PDF whose content stream inflates to 1 GiB, one whose 8 pages inflate to
24 MiB each (every stream within its limit, the document not), a ~0.5 MB DOCX whose
word/document.xml inflates to 512 MiB while its ZIP headers declare 1.6 KB, a 30 KB PDF that
draws 8 MiB of text (within every byte limit; costly in the objects pdfminer builds), and an
ordinary resume of each kind. Each file is parsed in a fresh child process with the default
`DocumentLimits` ("in-process"), and the costly ones again with the product's limits
(settings `parse_timeout_s`, `parse_memory_mb`: an isolated parser process, 30 s, 1 GiB). The
child reports its RSS before parsing (imports done), its peak (`ru_maxrss`) and its RSS after
(what a long-lived worker would keep), the peak RSS of the parser process for isolated rows
(sampled every 10 ms), the wall time of `extract_document` (isolated: with the parser's ~0.3 s
start), and the outcome: the rejection code, or "parsed".

Run: .venv/bin/python benchmarks/document_bombs.py [--pdf-mib 1024] [--docx-mib 512] [--text-mib 8]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pipelines.documents import bombs  # noqa: E402

MIB = 1024 * 1024


def rss_now() -> int:
    """Resident set size of this process in bytes (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize()


def child(path: str, filename: str, isolated: bool) -> None:
    """Parse one file and print a JSON line of figures (runs in a fresh interpreter)."""
    import pipelines.documents.docx  # noqa: F401 - imports are not the parse's memory
    import pipelines.documents.pdf  # noqa: F401
    from pipelines.documents import DocumentError, DocumentLimits, extract_document, isolation

    limits = DocumentLimits()
    if isolated:
        from db.settings import Settings
        from pipelines.engine_set import engines_from_settings

        limits = engines_from_settings(Settings()).limits  # what workers and replicas use
    data = Path(path).read_bytes()
    gc.collect()
    before = rss_now()
    parser_peak = [0]
    done = threading.Event()
    watcher = threading.Thread(target=watch_parser, args=(isolation, done, parser_peak))
    watcher.start()
    start = time.perf_counter()
    try:
        document = extract_document(data, filename, limits=limits)
        outcome = f"parsed ({len(document.text)} chars)"
    except DocumentError as e:
        outcome = f"{e.code}: {e.reason}"
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    isolation.shutdown()
    gc.collect()
    figures = {
        "before": before,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # KiB on Linux
        "after": rss_now(),
        "parser": parser_peak[0],
        "s": seconds,
        "outcome": outcome,
    }
    print(json.dumps(figures))


def watch_parser(isolation: Any, done: threading.Event, peak: list[int]) -> None:
    """Sample the parser process's RSS every 10 ms (its own ru_maxrss would include this
    process's, inherited at vfork)."""
    while not done.is_set():
        child = isolation._child
        try:
            with open(f"/proc/{child.process.pid}/statm") as statm:
                rss = int(statm.read().split()[1]) * resource.getpagesize()
            peak[0] = max(peak[0], rss)
        except (AttributeError, OSError, ValueError, IndexError):
            pass  # not started yet, or just killed
        done.wait(0.01)


def measure(data: bytes, filename: str, isolated: bool) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=Path(filename).suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        command = [sys.executable, __file__, "--child", tmp.name, filename]
        run = subprocess.run(
            [*command, "isolated" if isolated else "in-process"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    return json.loads(run.stdout.strip().splitlines()[-1])


def text_heavy_pdf(content: int) -> bytes:
    """A page of `content` bytes of text operators: tiny when deflated, within every byte
    limit, and ~200 bytes of pdfminer objects per byte."""
    line = b"BT /F1 1 Tf 10 10 Td (" + b"A" * 200 + b") Tj ET\n"
    return bombs.pdf_document([bombs.deflated([line * (content // len(line))])[0]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-mib", type=int, default=1024, help="PDF bomb expands to (MiB)")
    parser.add_argument("--docx-mib", type=int, default=512, help="DOCX bomb expands to (MiB)")
    parser.add_argument("--text-mib", type=int, default=8, help="text drawn by a heavy page")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, filename, mode = args.child
        child(path, filename, mode == "isolated")
        return
    pdf_bomb = bombs.pdf_bomb(args.pdf_mib * MIB)
    docx_bomb = bombs.forged_docx(args.docx_mib * MIB)
    heavy = text_heavy_pdf(args.text_mib * MIB)
    cases = [
        ("resume.pdf", "ordinary PDF", bombs.pdf_document([bombs.flate_page(0)]), False),
        ("resume.pdf", f"PDF, 1 stream → {args.pdf_mib} MiB", pdf_bomb, False),
        ("resume.pdf", "PDF, 8 streams → 24 MiB each", bombs.pdf_bomb(192 * MIB, pages=8), False),
        ("resume.docx", "ordinary DOCX", bombs.forged_docx(0, declared=None), False),
        ("resume.docx", f"DOCX, forged sizes → {args.docx_mib} MiB", docx_bomb, False),
        ("resume.pdf", f"PDF drawing {args.text_mib} MiB of text", heavy, False),
        ("resume.pdf", f"PDF, 1 stream → {args.pdf_mib} MiB", pdf_bomb, True),
        ("resume.docx", f"DOCX, forged sizes → {args.docx_mib} MiB", docx_bomb, True),
        ("resume.pdf", f"PDF drawing {args.text_mib} MiB of text", heavy, True),
    ]
    print(
        f"{'file':31} {'size':>7} {'parsed':>10} {'wall':>8} {'RSS before':>10} {'peak':>7} "
        f"{'after':>7} {'parser':>7}  outcome"
    )
    for filename, label, data, isolated in cases:
        row = measure(data, filename, isolated)
        rss = [f"{row[key] / MIB:4.0f} MB" for key in ("before", "peak", "after", "parser")]
        print(
            f"{label:31} {len(data) / 1024:4.0f} KB {'isolated' if isolated else 'in-process':>10}"
            f" {row['s'] * 1000:5.0f} ms {rss[0]:>10} {rss[1]:>7} {rss[2]:>7} "
            f"{rss[3] if isolated else '':>7}  {row['outcome']}"
        )


if __name__ == "__main__":
    main()
