"""argmap: map a debate from articles and their comment threads."""

__version__ = "0.1.0"
