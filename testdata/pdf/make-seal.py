"""Writes seal.png: a 120 x 120 RGBA PNG of a red ring (an organisation's seal) on a
transparent background, with only the Python standard library (zlib). Run from this folder."""
import struct
import zlib


def png(w, h):
    raw = b""
    for y in range(h):
        raw += b"\x00"  # filter: none
        for x in range(w):
            d = ((x - w / 2) ** 2 + (y - h / 2) ** 2) ** 0.5
            ring = w / 2 - 8 < d < w / 2 - 2
            raw += bytes([200, 0, 0, 255]) if ring else bytes([255, 255, 255, 0])

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


with open("seal.png", "wb") as f:
    f.write(png(120, 120))
