"""Normalization: raw parsed values → canonical organizations, categories, dates, regions."""

from normalizers.normalize import NORMALIZER_VERSION, NormalizeContext, normalize_notice, warm_up

__all__ = ["NORMALIZER_VERSION", "NormalizeContext", "normalize_notice", "warm_up"]
