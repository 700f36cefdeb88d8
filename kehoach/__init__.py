"""kehoach: turn a Vietnamese government plan (kế hoạch) into tracked work."""

__version__ = "0.1.0"
