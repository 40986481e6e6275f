"""thumbor's engine in one process: the steps its Pillow engine takes for a JPEG resize (open,
draft to the target size, LANCZOS resize, save with optimize and progressive at the quality),
without its HTTP server; the counterpart of `imgforge-baseline --pipeline reference`.

usage: pillow-reference.py FILE WIDTH QUALITY SECONDS
prints: operations=N per_second=R cpu_ms_per_operation=C
"""
import io
import sys
import time

from PIL import Image

path, width, quality, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
with open(path, "rb") as f:
    data = f.read()


def operation():
    image = Image.open(io.BytesIO(data))
    size = (width, round(width * image.size[1] / image.size[0]))
    image.draft(None, size)
    image = image.resize(size, Image.Resampling.LANCZOS)
    if image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


operation()  # warm-up, as the baseline does
count, started, cpu = 0, time.monotonic(), time.process_time()
while time.monotonic() - started < seconds:
    operation()
    count += 1
elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
print(f"operations={count} per_second={count / elapsed:.1f} cpu_ms_per_operation={cpu * 1000 / max(1, count):.2f}")
