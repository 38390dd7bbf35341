"""Evaluations: forms, imports from survey tools, paper entry, summaries and the dashboards' queries."""

from programme.evaluations.apply import apply_evaluations
from programme.evaluations.forms import (
    add_paper_response,
    add_question,
    create_form,
    create_standard_form,
    module_form,
    questions_table,
)
from programme.evaluations.importing import EvaluationImport, import_evaluations, plan_evaluations
from programme.evaluations.scales import read_rating
from programme.evaluations.summary import module_summary, suggestions

__all__ = [
    "EvaluationImport",
    "add_paper_response",
    "apply_evaluations",
    "add_question",
    "create_form",
    "create_standard_form",
    "import_evaluations",
    "module_form",
    "module_summary",
    "plan_evaluations",
    "questions_table",
    "read_rating",
    "suggestions",
]
