"""Evaluation dashboard: which sessions worked, which facilitators, and how modules compare."""

import pandas as pd
import streamlit as st

from programme import funding
from programme.charts import evaluations as charts
from programme.charts.learning import gain_interval_chart
from programme.core.rounding import fixed, rounded
from programme.courses.lookup import module_ref
from programme.courses.search import module_choices
from programme.evaluations import module_summary, suggestions
from programme.evaluations import queries as q
from programme.evaluations.comments import grouped_comments
from programme.evaluations.forms import module_form
from programme.evaluations.learning import GROUPINGS, learning_gain
from programme.evaluations.means import MODULE_MEAN_CAPTION, module_mean
from programme.evaluations.scales import form_labels
from programme.evaluations.summary import (
    respondent_profile,
    response_rate_headline,
    too_many_responses,
    under_way_note,
)
from programme.sheets import to_csv_bytes
from programme.web import evaluation_facilitators, respondents, ui
from programme.web import evaluation_texts as texts
from programme.web.display import md_text
from programme.web.reach_tables import small_groups, without_small_means

# Comments shown at once; a module, a question or a word narrows the rest.
COMMENTS_SHOWN = 2_000

user = ui.guard(__file__)
ui.heading(
    "Evaluation dashboard",
    "Which sessions worked, which facilitators, and how modules compare. Every figure is anonymous.",
)

funding_options = ui.cached_query(funding.funding_options)
with st.sidebar:
    st.header("Filters")
    funders, grants = ui.funding_filters(
        funding_options,
        funder_help="Only the modules its grants fund: the module list, trends, learning, comments.",
        keys=("evaluations_funders", "evaluations_grants"),
    )
funded = {"funders": funders, "grants": grants}

module_id = ui.module_or_stop(
    "evaluations_module",
    evaluated=True,
    empty=texts.no_responses(user.can_edit)
    if not (funders or grants)
    else "No evaluated module is funded by the chosen funder or grant. Clear the filter in the sidebar.",
    **funded,
)

with ui.db() as session:
    module = module_ref(session, module_id)
    form = module_form(session, module_id)
    scale = form_labels(form.scale_labels if form else None)
summary = ui.cached_query(module_summary, module_id)
rates = ui.cached_query(q.response_rates, course_id=module.course_id)
rates = rates.assign(under_way=q.under_way(rates))  # attendance still coming in: a rate "so far", never over 100%
hidden = not user.can_see_names  # a viewer's and a funder's titles and questions name nobody
sessions = ui.cached_query(
    q.session_ratings, module_id, with_facilitators=user.can_see_names, without_personal_data=hidden
)
counts = ui.cached_query(q.likert_counts, module_id, without_personal_data=hidden)
backlog = ui.cached_query(suggestions, module_id, without_personal_data=not user.can_see_names)

average = ui.cached_query(module_mean, module_id)

this_rate = rates[rates["module_id"] == module_id]
columns = st.columns(4)
columns[0].metric("Responses", summary["responses"])
rate = this_rate["rate"].iloc[0] if not this_rate.empty else None
running = bool(this_rate["under_way"].iloc[0]) if not this_rate.empty else False
shown_rate, rate_help = response_rate_headline(rate, under_way=running)  # over 100%: marked, the warning below says
columns[1].metric("Response rate", shown_rate, help=rate_help)
columns[2].metric("Mean rating", fixed(average.mean) if average.mean is not None else "—",
                  help=f"{MODULE_MEAN_CAPTION} {ui.counted(average.n, 'rating')}.")  # fmt: skip
weak, weak_help = texts.weak_sessions(sessions)  # "—" when no question is tied to a session of the agenda
columns[3].metric("Weak sessions", weak, help=weak_help)
st.caption(f"{MODULE_MEAN_CAPTION} The sessions chart's dotted line is this average.")
if running and (rate is None or pd.isna(rate) or rate > 1) and summary["responses"]:
    st.info(under_way_note(summary["responses"], int(this_rate["attended"].iloc[0]) if not this_rate.empty else 0))
elif rate is not None and not pd.isna(rate) and rate > 1:
    st.warning(too_many_responses(summary["responses"], int(this_rate["attended"].iloc[0])))

# Only the open tab runs: comparisons and trends aggregate every module's answers.
this_tab, compare_tab, facilitators_tab, learning_tab, comments_tab = ui.lazy_tabs(
    ["This module", "Compare modules", "Facilitators", "Learning", "Comments"],
    key="evaluations_tab",
    keep=("comments_question", "comments_search", "learning_by"),
)

if this_tab.open:
    with this_tab:
        for figure in charts.likert_charts(counts, scale):  # numbered and 0-10 questions apart
            st.plotly_chart(figure, width="stretch")
        if reworded := charts.reworded_note(counts):  # its answers were given to more than one wording
            st.caption(md_text(reworded))
        if sessions.empty:
            st.info(texts.no_session_tied(user.can_edit))
        else:
            st.plotly_chart(charts.sessions_ranked_chart(sessions), width="stretch")
            shown = ["session", "day", "n", "mean", "weak"] + (["facilitators"] if user.can_see_names else [])
            ui.table(
                sessions[shown].assign(mean=sessions["mean"].map(rounded)),  # a half up, as every figure shown
                hide_index=True,
                column_config={"n": "Ratings", "mean": st.column_config.NumberColumn(format="%.2f")},
            )
        st.plotly_chart(charts.response_rate_chart(rates, label="short"), width="stretch")
        st.subheader("Suggestions for the next module")
        if backlog.empty:
            st.caption("No suggestions were written for this module.")
        else:
            st.caption(texts.suggestions_caption(user.can_edit))
            ui.table(backlog, hide_index=True, column_config={"text": "Suggestion", "times": "Times made"})
        respondents.who_answered(ui.cached_query(respondent_profile, module_id), user)

if compare_tab.open:
    with compare_tab:
        comparison = ui.cached_query(q.module_comparison, module_id)
        trend = ui.cached_query(q.yearly_trend, **funded)
        note = charts.comparison_note(comparison)
        if note:
            st.info(note)
        else:
            st.plotly_chart(charts.module_comparison_chart(comparison), width="stretch")
        st.plotly_chart(charts.trend_chart(trend), width="stretch")
        if funders or grants:
            st.caption("The trend covers only the modules the chosen funders' grants fund.")

if facilitators_tab.open:
    with facilitators_tab:
        evaluation_facilitators.tab(module_id, user=user)

if learning_tab.open:
    with learning_tab:
        gains = ui.cached_query(q.learning_gains, course_id=module.course_id)
        st.caption(
            "What participants learnt: the average score of the test taken at the start of each module (before) "
            "and of the test at its end (after), counting only participants who took both. Scores are as "
            "recorded under **Forms and entry › Pre/post tests**: a percentage of the quiz's maximum."
        )
        if gains.empty:
            st.info(texts.no_scores(user.can_edit))
        elif not (gains := without_small_means(gains, "people", small_groups(user, say=False))).empty:
            st.plotly_chart(charts.learning_gain_chart(gains, label="short"), width="stretch")
        st.subheader("Across the programme")
        by = st.radio("Learning gain by", GROUPINGS, index=1, horizontal=True, key="learning_by")
        across = ui.cached_query(learning_gain, by=by, **funded)
        if across.empty:
            st.info(
                "No pre- and post-test scores are recorded in the programme"
                + (" for the chosen funders' grants." if funders or grants else ".")
            )
        elif not (across := without_small_means(across, "n", small_groups(user, say=False))).empty:
            st.plotly_chart(gain_interval_chart(across, by=by), width="stretch")
            ui.table(
                across,
                hide_index=True,
                column_config={
                    "group": by.capitalize(),
                    "n": st.column_config.NumberColumn("People (n)", format="%d"),
                    **{
                        c: st.column_config.NumberColumn(label, format="%.1f")
                        for c, label in (("pre", "Pre-test mean"), ("post", "Post-test mean"), ("gain", "Gain"))
                    },
                    "ci_low": st.column_config.NumberColumn("95% CI from", format="%.1f"),
                    "ci_high": st.column_config.NumberColumn("95% CI to", format="%.1f"),
                },
            )
            st.caption(
                "n: participations with both scores. The interval is where the mean gain would lie in 95 of 100 such "
                "groups (t distribution over each person's gain); a narrow one means the figure is solid."
                + (" Only the modules the chosen funders' grants fund." if funders or grants else "")
            )

if comments_tab.open:
    with comments_tab:
        st.caption(
            "Open answers, without who wrote them. The same comment (ignoring case and spacing) is shown once, with "
            "how many wrote it; most written first, so that one person's answers are not side by side."
            + (
                ""
                if user.can_see_names
                else " E-mail addresses, phone numbers and the names of the course's participants and facilitators "
                "show as [e-mail], [phone], [name]; other names a comment mentions are not recognised and stay."
            )
        )
        questions = ui.cached_query(q.comment_questions)
        left, middle, right = st.columns([2, 2, 2])
        labels = ui.cached_query(module_choices, evaluated=True, include=module_id, **funded).labels
        scope = left.selectbox("Module", [None, *labels], format_func=lambda m: "All modules" if m is None else labels[m],
                               index=1 + list(labels).index(module_id), key=f"comments_module_{module_id}")  # fmt: skip
        question = middle.selectbox(
            "Question", [None, *questions], format_func=lambda t: t or "All open questions", key="comments_question"
        )
        search = right.text_input("Search the comments", placeholder="e.g. CEDAW", key="comments_search")
        found = ui.cached_query(
            grouped_comments,
            module_id=scope,
            question=question,
            search=search,
            limit=COMMENTS_SHOWN + 1,
            without_personal_data=not user.can_see_names,
            **funded,
        )
        if len(found) > COMMENTS_SHOWN:
            found = found.head(COMMENTS_SHOWN)
            st.write(
                f"The first {COMMENTS_SHOWN:,} different comments; choose a module or a question, or search, to narrow."
            )
        else:
            written = int(found["times"].sum())
            st.write(
                f"{ui.counted(written, 'comment')}, {len(found):,} different"
                if written != len(found)
                else ui.counted(written, "comment")
            )
        if found.empty:
            st.info("No comments match; try another module, question or word.")
        else:
            ui.table(found, hide_index=True, width="stretch", column_config={"times": "Times written"})
            st.download_button(
                "Download these comments (CSV)",
                to_csv_bytes(found),
                "evaluation_comments.csv",
                "text/csv",
                on_click="ignore",
            )
