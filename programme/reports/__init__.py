"""Reports for partners and funders: the module report (.docx), the summary workbook (.xlsx), certificates (PDF)."""

from programme.reports.certificates import (
    certificates_pdf,
    course_certificates,
    left_out,
    module_certificates,
    unprintable_names,
)
from programme.reports.content import ModuleReportContent, date_span, module_report_content
from programme.reports.funder_content import FunderReportContent, funder_report_content
from programme.reports.funder_report import funder_report, render_funder_report
from programme.reports.module_report import HEADINGS, module_report, render_module_report
from programme.reports.summary_workbook import render_summary, summary_workbook

__all__ = [
    "HEADINGS",
    "FunderReportContent",
    "funder_report",
    "funder_report_content",
    "render_funder_report",
    "ModuleReportContent",
    "certificates_pdf",
    "course_certificates",
    "date_span",
    "module_certificates",
    "module_report",
    "module_report_content",
    "render_module_report",
    "render_summary",
    "summary_workbook",
    "left_out",
    "unprintable_names",
]
