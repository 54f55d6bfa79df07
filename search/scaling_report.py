"""The scaling curve's table (markdown) and chart (PNG) from its rows."""

from pathlib import Path

MB = 1024 * 1024
NAMES = {"whoosh": "Whoosh", "postgres": "PostgreSQL"}


def _mb(value: float) -> str:
    return f"{value / MB:,.0f}"


class ChartUnavailable(RuntimeError):
    """matplotlib (the ``bench`` extra) is not installed."""


def sizes_table(rows: list[dict]) -> str:
    lines = [
        "| scale | articles | backend | rebuild s | rebuild articles/s | index MB "
        "| archive tables MB | serving process peak RSS MB | load (1 min) rebuild / queries |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        loads = f"{r['load_after_rebuild']:.1f} / {max(r['load_queries']):.1f}"
        lines.append(
            f"| {r['scale']}x | {r['articles']:,} | {NAMES[r['backend']]} | {r['rebuild_s']:,.0f} "
            f"| {r['rebuild_rate']:,.0f} | {_mb(r['index_bytes'])} | {_mb(r['archive_bytes'])} "
            f"| {_mb(r['serve_peak_rss_bytes'])} | {loads} |"
        )
    return "\n".join(lines)


def queries_table(rows: list[dict]) -> str:
    columns = [f"{NAMES[r['backend']]} {r['scale']}x" for r in rows]
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
    return "\n".join(lines)


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
            ax.plot(
                [r["articles"] for r in mine],
                [r["queries"][kind]["p95"] for r in mine],
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
        articles = [r["articles"] for r in mine]
        axes[1][0].plot(articles, [r["rebuild_s"] for r in mine], marker="o", label=name)
        axes[1][1].plot(
            articles, [r["index_bytes"] / MB for r in mine], marker="o", label=f"{name} index"
        )
        axes[1][1].plot(
            articles,
            [r["serve_peak_rss_bytes"] / MB for r in mine],
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
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    pyplot.close(figure)
