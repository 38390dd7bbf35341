"""Funders and grants: who funds which courses and modules, and what their grants reached."""

from programme.funding.grants import (
    add_funder,
    add_grant,
    get_funder,
    get_grant,
    link_course,
    link_module,
    read_amount,
    unlink,
)
from programme.funding.queries import (
    cost_per_person,
    costs_shown,
    funded_module_ids,
    funded_modules,
    funding_options,
    grant_modules,
    grants_for_funders,
    grants_shown,
    grants_table,
    individuals_by_funder,
    individuals_by_grant,
)

__all__ = [
    "add_funder",
    "add_grant",
    "cost_per_person",
    "costs_shown",
    "funded_module_ids",
    "funded_modules",
    "funding_options",
    "get_funder",
    "get_grant",
    "grant_modules",
    "grants_for_funders",
    "grants_shown",
    "grants_table",
    "individuals_by_funder",
    "individuals_by_grant",
    "link_course",
    "link_module",
    "read_amount",
    "unlink",
]
