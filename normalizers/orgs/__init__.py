"""Organization normalization: registry, abbreviation rules, splitting, context resolution, roles."""

from normalizers.orgs.registry import data_hash, load_registry
from normalizers.orgs.resolve import OrgContext, Resolution, expand, resolve_mention
from normalizers.orgs.split import Mention, split_mentions

__all__ = ["Mention", "OrgContext", "Resolution", "data_hash", "expand", "load_registry", "resolve_mention",
           "split_mentions"]
