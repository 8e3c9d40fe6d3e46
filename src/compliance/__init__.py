"""compliance: check rectification plans (整改方案) against the rules on how rectification may be done."""

__version__ = "0.1.0"
