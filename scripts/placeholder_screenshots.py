"""Write PLACEHOLDER screenshots for the help center (pure Python, no Pillow).

The real screenshots will come from ``make screenshots`` (a browser driving the
account app); until then every figure is a clearly marked placeholder with the
same name, so articles, alt texts and link checks are already final.

Usage: python scripts/placeholder_screenshots.py [docs/assets/screenshots]
"""

import struct
import sys
import zlib
from pathlib import Path

#: Screenshot name -> the numbered points or the step it illustrates.
SCREENSHOTS = {
    "home": "POINTS 1 2",
    "login": "POINT 3",
    "activation-mail": "POINT 4",
    "account": "POINT 5",
    "wrong-password": "STEP B1",
    "ip-blocked": "STEP B2",
}
LANGUAGES = ("fr", "en")
WIDTH, HEIGHT = 800, 450

# 5x7 bitmap font, one string of 7 rows of 5 bits per glyph.
FONT = {
    "A": "01110 10001 10001 11111 10001 10001 10001",
    "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01111 10000 10000 10000 10000 10000 01111",
    "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111",
    "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01111 10000 10000 10111 10001 10001 01111",
    "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110",
    "K": "10001 10010 10100 11000 10100 10010 10001",
    "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001",
    "N": "10001 11001 10101 10011 10001 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110",
    "P": "11110 10001 10001 11110 10000 10000 10000",
    "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110",
    "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110",
    "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010",
    "Y": "10001 10001 01010 00100 00100 00100 00100",
    "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111",
    "3": "11110 00001 00001 01110 00001 00001 11110",
    "4": "00010 00110 01010 10010 11111 00010 00010",
    "5": "11111 10000 11110 00001 00001 10001 01110",
    "-": "00000 00000 00000 11111 00000 00000 00000",
    ".": "00000 00000 00000 00000 00000 01100 01100",
    "/": "00001 00010 00010 00100 01000 01000 10000",
    " ": "00000 00000 00000 00000 00000 00000 00000",
}

BACKGROUND = (236, 240, 245)
BORDER = (194, 87, 26)
INK = (31, 78, 121)


def _text(pixels, text, top, scale, colour):
    """Draw centred text into the pixel rows."""
    width = len(text) * 6 * scale - scale
    left = (WIDTH - width) // 2
    for index, char in enumerate(text.upper()):
        rows = FONT[char].split()
        for y, row in enumerate(rows):
            for x, bit in enumerate(row):
                if bit == "1":
                    for dy in range(scale):
                        line = pixels[top + y * scale + dy]
                        start = left + (index * 6 + x) * scale
                        for dx in range(scale):
                            line[start + dx] = colour


def render(name, lang, points):
    pixels = [[BACKGROUND] * WIDTH for _ in range(HEIGHT)]
    for y in range(HEIGHT):
        for x in range(WIDTH):
            if min(x, y, WIDTH - 1 - x, HEIGHT - 1 - y) < 8:
                pixels[y][x] = BORDER
    _text(pixels, "PLACEHOLDER", 90, 10, BORDER)
    _text(pixels, f"{name} {lang}", 230, 5, INK)
    _text(pixels, points, 320, 5, INK)
    return pixels


def png_bytes(pixels):
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00PLACEHOLDER screenshot, replace with make screenshots")
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main(root="docs/assets/screenshots"):
    for lang in LANGUAGES:
        folder = Path(root) / lang
        folder.mkdir(parents=True, exist_ok=True)
        for name, points in SCREENSHOTS.items():
            (folder / f"{name}.png").write_bytes(png_bytes(render(name, lang, points)))
            print(folder / f"{name}.png")


if __name__ == "__main__":
    main(*sys.argv[1:])
