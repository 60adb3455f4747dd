"""Scanned copies made at test time: pages printed to images the way a scanner leaves them
(200 dpi, grey, slightly skewed, speckled, JPEG-compressed) and put back into an image-only
PDF with no text layer. Used by tests/test_ocr.py and the OCR benchmark."""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 200


def render_pages(pdf: Path | bytes, dpi: int = DPI, pages: list[int] | None = None) -> list:
    """The PDF's pages as grey PIL images, as a flatbed scanner at `dpi` would see them."""
    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        idx = pages if pages is not None else range(len(doc))
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in idx]
    finally:
        doc.close()


def degrade(img, seed: int = 0, skew: float | None = None, quality: int = 70):
    """A clean page image as a scanner returns it: turned by under a degree, a little blur,
    grey noise and speckles, JPEG artefacts."""
    rnd = random.Random(seed)
    angle = skew if skew is not None else rnd.choice([-1, 1]) * rnd.uniform(0.4, 0.9)
    img = img.convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    px = img.load()
    w, h = img.size
    for _ in range(w * h // 400):  # speckles
        x, y = rnd.randrange(w), rnd.randrange(h)
        px[x, y] = rnd.choice((0, 90, 255))
    noise = Image.effect_noise((w, h), 12).convert("L")
    img = Image.blend(img, noise, 0.08)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def image_pdf(images: list, dpi: int = DPI) -> bytes:
    """An image-only PDF (no text layer), one JPEG page per image."""
    buf = io.BytesIO()
    first, *rest = [i.convert("L") for i in images]
    first.save(buf, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return buf.getvalue()


def scanned_copy(pdf: Path | bytes, pages: list[int] | None = None, seed: int = 0) -> bytes:
    """A scanned copy of `pdf`: its pages rendered, degraded and put into an image-only PDF."""
    imgs = render_pages(pdf, pages=pages)
    return image_pdf([degrade(im, seed=seed + k) for k, im in enumerate(imgs)])


_KEEP = re.compile(r"[^\u3400-\u9fff0-9]+")


def bigrams(text: str) -> Counter:
    """Character bigrams of the CJK characters and digits of `text`, with multiplicity."""
    s = _KEEP.sub("", text)
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def bigram_recall(original: str, ocr: str) -> float:
    """Share of the original's bigrams (with multiplicity) found in the OCR text: the issue's
    measure of how much of a report's searchable text a scanned copy keeps."""
    want, got = bigrams(original), bigrams(ocr)
    total = sum(want.values())
    return sum(min(n, got[g]) for g, n in want.items()) / total if total else 1.0
