"""screenshot_stats.py PNG - what a screenshot of gradebook.html shows, as key=value lines.

    size=1200x1600           the picture
    stddev=61.3              of its grey levels (0 for a blank page of one colour)
    ink=0.0123               share of pixels that are text (near black)
    ok_pixels=N              pixels of the green bar colour
    ok_run=W                 the longest horizontal run of it
    mid_..., low_..., count_...  the same for the amber, red and blue bars (gradebook_html.STYLE)
    rows_with_ok=N           rows of pixels holding a green run at least 20 pixels long

Run it with Debian's python3 (/usr/bin/python3): python3-pil is a Debian package, not pip's.
"""
import sys

from PIL import Image, ImageStat

# The bar colours of gradebook_html.STYLE.
COLOURS = {"ok": (0x3a, 0x8f, 0x4b), "mid": (0xd9, 0xa5, 0x20),
           "low": (0xc0, 0x39, 0x2b), "count": (0x4a, 0x6f, 0xa5)}
TOLERANCE = 10  # per channel: antialiased edges differ a little


def near(pixel, colour):
    return all(abs(p - c) <= TOLERANCE for p, c in zip(pixel, colour))


def main(path):
    image = Image.open(path).convert("RGB")
    width, height = image.size
    print(f"size={width}x{height}")
    print(f"stddev={ImageStat.Stat(image.convert('L')).stddev[0]:.1f}")
    pixels = image.load()
    ink = 0
    count = {name: 0 for name in COLOURS}
    longest = {name: 0 for name in COLOURS}
    rows_with_ok = 0
    for y in range(height):
        runs = {name: 0 for name in COLOURS}
        row_ok = False
        for x in range(width):
            pixel = pixels[x, y]
            if max(pixel) < 80:
                ink += 1
            for name, colour in COLOURS.items():
                if near(pixel, colour):
                    count[name] += 1
                    runs[name] += 1
                    longest[name] = max(longest[name], runs[name])
                    row_ok = row_ok or (name == "ok" and runs[name] >= 20)
                else:
                    runs[name] = 0
        rows_with_ok += row_ok
    print(f"ink={ink / (width * height):.4f}")
    for name in COLOURS:
        print(f"{name}_pixels={count[name]}")
        print(f"{name}_run={longest[name]}")
    print(f"rows_with_ok={rows_with_ok}")


if __name__ == "__main__":
    main(sys.argv[1])
