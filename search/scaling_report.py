"""The scaling curve's table (markdown) and chart (PNG) from its rows."""

from pathlib import Path

MB = 1024 * 1024
NAMES = {"whoosh": "Whoosh", "postgres": "PostgreSQL"}


def _mb(value: float) -> str:
    return f"{value / MB:,.0f}"


class ChartUnavailable(RuntimeError):
    """matplotlib (the ``bench`` extra) is not installed."""


# A row whose "run" is "earlier" was not measured by this run's code on this machine but
# transcribed from an earlier run's published table (its result files were lost): the
# tables mark it and the chart draws it hollow, so that no one mistakes it for a new figure.
EARLIER_MARK = " *"
EARLIER_NOTE = (
    "\n\n\\* from an earlier run on another, heavily loaded machine (load average 11-23),"
    " transcribed from its published table."
)


def _earlier(row: dict) -> bool:
    return row.get("run") == "earlier"


def _mark(row: dict) -> str:
    return EARLIER_MARK if _earlier(row) else ""


def _name(row: dict) -> str:
    return NAMES[row["backend"]] + _mark(row)


def _note(rows: list[dict]) -> str:
    return EARLIER_NOTE if any(_earlier(r) for r in rows) else ""


def _cpu_rate(row: dict) -> str:
    # PostgreSQL's rebuild works in the database server, whose CPU this process cannot see.
    rate = row.get("rebuild_cpu_rate")
    return f"{rate:,.0f}" if rate else "-"


def sizes_table(rows: list[dict]) -> str:
    lines = [
        "| scale | articles | backend | rebuild s | rebuild articles/s "
        "| rebuild articles per CPU s | index MB | archive tables MB "
        "| serving process peak RSS MB | load (1 min) rebuild / queries |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        loads = f"{r['load_after_rebuild']:.1f} / {max(r['load_queries']):.1f}"
        lines.append(
            f"| {r['scale']}x | {r['articles']:,} | {_name(r)} | {r['rebuild_s']:,.0f} "
            f"| {r['rebuild_rate']:,.0f} | {_cpu_rate(r)} | {_mb(r['index_bytes'])} "
            f"| {_mb(r['archive_bytes'])} "
            f"| {_mb(r['serve_peak_rss_bytes'])} | {loads} |"
        )
    return "\n".join(lines) + _note(rows)


def queries_table(rows: list[dict]) -> str:
    columns = [f"{NAMES[r['backend']]} {r['scale']}x{_mark(r)}" for r in rows]
    lines = [
        "| query: p50 / p95 ms (CPU p50 of the Python process) | " + " | ".join(columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    kinds = list(dict.fromkeys(k for r in rows for k in r["queries"]))
    for kind in kinds:
        cells = []
        for r in rows:
            q = r["queries"].get(kind)
            cells.append(f"{q['p50']:.0f} / {q['p95']:.0f} ({q['cpu_p50']:.0f})" if q else "-")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + _note(rows)


def chart_write(rows: list[dict], path: Path) -> None:
    """Four panels against the number of articles (log scale): p95 of each query kind on
    each engine, the rebuild's time, and index size and serving memory."""
    try:  # the bench extra, not the image's: only this benchmark draws
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError as exc:
        raise ChartUnavailable(
            'The chart needs matplotlib: pip install -e ".[bench]" (the table is written).'
        ) from exc

    figure, axes = pyplot.subplots(2, 2, figsize=(13, 9.5))
    kinds = list(dict.fromkeys(k for r in rows for k in r["queries"]))
    for ax, backend in zip(axes[0], NAMES, strict=True):
        mine = [r for r in rows if r["backend"] == backend]
        for i, kind in enumerate(kinds):
            _line(
                ax,
                mine,
                lambda r, kind=kind: r["queries"][kind]["p95"],
                marker="o",
                color=pyplot.get_cmap("tab20")(i),  # eleven kinds: more than the default ten
                label=kind,
            )
        ax.axhline(80, color="grey", linestyle=":", linewidth=1)
        ax.set(title=f"{NAMES[backend]}: p95 per query, ms", xscale="log", yscale="log")
        ax.set_xlabel("articles")
    axes[0][0].legend(fontsize=7, loc="upper left")
    for backend, name in NAMES.items():
        mine = [r for r in rows if r["backend"] == backend]
        _line(axes[1][0], mine, lambda r: r["rebuild_s"], marker="o", label=name)
        _line(axes[1][1], mine, lambda r: r["index_bytes"] / MB, marker="o", label=f"{name} index")
        _line(
            axes[1][1],
            mine,
            lambda r: r["serve_peak_rss_bytes"] / MB,
            marker="s",
            linestyle="--",
            label=f"{name} serving process peak RSS",
        )
    axes[1][0].set(title="rebuild, seconds (wall)", xscale="log", yscale="log")
    axes[1][1].set(title="index on disk and serving memory, MB", xscale="log", yscale="log")
    for ax in axes[1]:
        ax.set_xlabel("articles")
        ax.legend(fontsize=8)
    for ax in axes.flat:
        ax.grid(True, which="both", alpha=0.3)
    scales = ", ".join(f"{s}x" for s in sorted({r["scale"] for r in rows}))
    figure.suptitle(f"Reuters-21578 at {scales}: search cost, rebuild, size, memory")
    if _note(rows):
        figure.text(
            0.5,
            0.005,
            "hollow points: an earlier run on another, heavily loaded machine (load 11-23)",
            ha="center",
            fontsize=9,
        )
    figure.tight_layout(rect=(0, 0.02, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    pyplot.close(figure)


def _line(ax, rows: list[dict], value, **style) -> None:
    """One line through ``rows`` (by articles), the points of an earlier run hollow."""
    (line,) = ax.plot([r["articles"] for r in rows], [value(r) for r in rows], **style)
    earlier = [r for r in rows if _earlier(r)]
    if earlier:
        ax.plot(
            [r["articles"] for r in earlier],
            [value(r) for r in earlier],
            marker=style.get("marker", "o"),
            linestyle="none",
            color=line.get_color(),
            markerfacecolor="white",
        )
