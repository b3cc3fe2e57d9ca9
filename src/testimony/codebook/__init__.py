"""Codebooks: YAML files of themes, validated with file:line:column errors."""

from testimony.codebook.model import Codebook, ThemeSpec
from testimony.codebook.yaml_io import dump_codebook, load_codebook, parse_codebook

__all__ = ["Codebook", "ThemeSpec", "dump_codebook", "load_codebook", "parse_codebook"]
