"""Who may see and do what with problems: the support staff log, analyse
and work them; problem managers (and managers) cancel and close them,
accept or dismiss the candidates of repeat-incident detection, and
override their priority. Requesters never see problems."""

from servista.core.permissions import (
    Policy,
    RecordPolicy,
    has_capability,
    is_admin,
    is_agent,
    is_manager,
    register,
    register_capability,
)

from .models import Problem, ProblemCandidate, RepeatRule, RiskMatrix

PROBLEM_MANAGER = register_capability(
    "problems.problem_manager", "Problem manager",
    "Cancels and closes problems, decides on problem candidates from repeated incidents "
    "and overrides problem priorities, besides the managers.").name

manages_problems = is_manager | has_capability(PROBLEM_MANAGER)


@register
class ProblemPolicy(RecordPolicy):
    model = Problem
    rules = {
        **RecordPolicy.rules,
        "view": is_agent,
        "create": is_agent,
        "comment": is_agent,
        "cancel": manages_problems,
        "close": manages_problems,
        "override_priority": manages_problems,
    }


@register
class CandidatePolicy(Policy):
    model = ProblemCandidate
    rules = {**Policy.rules, "view": is_agent, "decide": manages_problems,
             "create": is_admin, "change": is_admin}


@register
class RepeatRulePolicy(Policy):
    model = RepeatRule
    rules = {**Policy.rules, "view": is_agent}


@register
class RiskMatrixPolicy(Policy):
    model = RiskMatrix
    rules = {**Policy.rules, "view": is_agent}
