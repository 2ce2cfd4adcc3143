"""khetmap: a map dashboard for Bangkok's Traffy Fondue civic complaints."""

__version__ = "0.1.0"
