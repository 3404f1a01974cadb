"""Outputs built from the store: ``analysis.json`` (the contract) and the static report site."""

from counterpoint.report.analysis import article_record, write_analysis
from counterpoint.report.html import render_report
from counterpoint.report.site import write_report

__all__ = ["article_record", "render_report", "write_analysis", "write_report"]
