"""axe-core (vendored from the npm registry, tests/browser/vendor/axe-core)
run inside the page: the WCAG 2.2 A and AA rules and the best practices."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"critical", "serious"}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def install(context) -> None:
    """Load axe into every page of ``context`` (an init script: the pages'
    Content-Security-Policy stays as it is)."""
    context.add_init_script(path=str(AXE))


def violations(page, include: str | None = None) -> list[dict]:
    """The critical and serious violations on ``page`` now (or inside the
    ``include`` selector), each with the elements it names."""
    result = page.evaluate(
        """([include, tags]) => axe.run(include ? {include: [include]} : document,
                 {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [include, TAGS])
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [" ".join(n["target"]) + ": " + n.get("failureSummary", "")[:300]
                   for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in BLOCKING
    ]


def assert_accessible(page, include: str | None = None) -> None:
    found = violations(page, include)
    assert not found, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in found)
