"""Plot imgforge's miss time against the source's megapixels, next to the in-process limit's.

usage: plot-miss-time.py DATA.tsv OUTPUT.png
DATA.tsv: one line per source: megapixels, in-process ms per operation (1 thread), imgforge p50 ms (1 connection).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> None:
    data, output = sys.argv[1], sys.argv[2]
    rows = []
    with open(data) as f:
        for line in f:
            mp, limit, ours = line.split()
            rows.append((float(mp), float(limit), float(ours)))
    rows.sort()
    mps = [r[0] for r in rows]
    limit = [r[1] for r in rows]
    ours = [r[2] for r in rows]

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    ax.plot(mps, ours, "o-", label="imgforge, median miss (1 connection, through nginx)")
    ax.plot(mps, limit, "s--", label="in-process limit (imgforge-baseline, 1 thread)")
    # A straight line fitted to imgforge's points (least squares): a fixed cost plus one per megapixel.
    n = len(mps)
    mean_x, mean_y = sum(mps) / n, sum(ours) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(mps, ours)) / sum((x - mean_x) ** 2 for x in mps)
    fixed = mean_y - slope * mean_x
    ax.plot([0, mps[-1]], [fixed, fixed + slope * mps[-1]], ":", color="grey",
            label=f"straight line fitted to imgforge: {fixed:.1f} ms + {slope:.2f} ms per MP")
    ax.set_xlabel("source size (megapixels, JPEG Q90)")
    ax.set_ylabel("time per miss (ms)")
    ax.set_title("JPEG → 300 px wide, q80: miss time against source size")
    top = max(max(ours), max(limit)) * 1.25
    ax.set_ylim(0, top)
    ax.set_xlim(0, mps[-1] * 1.05)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(output)


if __name__ == "__main__":
    main()
