"""Image steps for scanned pages (OpenCV + NumPy, from the optional ``ocr`` extra).

gray page → binarised ink mask → skew angle by projection profiles → rotated page →
horizontal / vertical ruling lines by morphological opening → segments (pixels) and a
page with the rulings painted out (the OCR detector reads text better without them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from extractors.readers.grid import Segment

Image = Any  # numpy uint8 array, H x W (gray)


@dataclass(frozen=True)
class ScanSettings:
    max_skew_deg: float = 3.0
    skew_step_deg: float = 0.05
    min_line_fraction: float = 0.04  # shortest ruling, as a fraction of the page width/height
    line_thickness_px: int = 6  # thicker strokes are ink blobs, not rulings

    def __post_init__(self) -> None:
        if not 0 < self.max_skew_deg <= 15:
            raise ValueError(f"max_skew_deg must be in (0, 15], got {self.max_skew_deg}")
        if not 0 < self.min_line_fraction < 1:
            raise ValueError(f"min_line_fraction must be in (0, 1), got {self.min_line_fraction}")


def ink_mask(gray: Image) -> Image:
    """255 where there is ink: Otsu threshold of the inverted page."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def estimate_skew(gray: Image, settings: ScanSettings) -> float:
    """Angle (degrees, counter-clockwise positive) that makes text lines and rulings horizontal:
    the rotation whose row-sum profile of the ink is sharpest (largest variance)."""
    mask = ink_mask(gray)
    scale = 1000 / max(mask.shape)
    small = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else mask
    coarse = _best_angle(small, np.arange(-settings.max_skew_deg, settings.max_skew_deg + 1e-9, 0.25))
    fine = np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, settings.skew_step_deg)
    return float(_best_angle(small, fine))


def _best_angle(mask: Image, angles: Any) -> float:
    h, w = mask.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    for a in angles:
        m = cv2.getRotationMatrix2D(centre, float(a), 1.0)
        rotated = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        score = float(np.var(rotated.sum(axis=1, dtype=np.float64)))
        if score > best_score:
            best, best_score = float(a), score
    return best


def rotate(gray: Image, angle: float) -> Image:
    """Rotate about the centre, keeping the page size, filling with white."""
    if abs(angle) < 1e-3:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def ruling_masks(gray: Image, settings: ScanSettings) -> tuple[Image, Image]:
    """Horizontal and vertical ruling masks: the ink that survives an opening with a long
    thin kernel (text strokes are far shorter than table rulings)."""
    mask = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = mask.shape
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, int(w * settings.min_line_fraction)), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, int(h * settings.min_line_fraction / 2))))
    horiz = cv2.dilate(cv2.morphologyEx(mask, cv2.MORPH_OPEN, hk), np.ones((3, 3), np.uint8))
    vert = cv2.dilate(cv2.morphologyEx(mask, cv2.MORPH_OPEN, vk), np.ones((3, 3), np.uint8))
    return horiz, vert


def mask_segments(mask: Image, horizontal: bool, settings: ScanSettings) -> list[Segment]:
    """One segment per connected component of a ruling mask (its centre line)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Segment] = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if horizontal and h <= settings.line_thickness_px * 3:
            out.append(Segment(float(x), y + h / 2, float(x + w), y + h / 2))
        elif not horizontal and w <= settings.line_thickness_px * 3:
            out.append(Segment(x + w / 2, float(y), x + w / 2, float(y + h)))
    return out


def erase(gray: Image, boxes: list[tuple[int, int, int, int]], *masks: Image) -> Image:
    """The page with the masked pixels painted white, only inside ``boxes`` (x0, y0, x1, y1):
    the tables' rulings go, while bold titles that an opening can nibble at stay intact."""
    out = gray.copy()
    for x0, y0, x1, y1 in boxes:
        for m in masks:
            region = out[y0:y1, x0:x1]
            region[m[y0:y1, x0:x1] > 0] = 255
    return out
