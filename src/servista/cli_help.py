"""``servista --version`` and ``servista --help``, without Django settings.

Both must work before a secret key is set, so neither imports Django nor a
command module (a command imports the models, which need the settings): the
version comes from the installed package's metadata, and the commands are
found on disk, each described by the first sentence of its module docstring,
read with ``ast``.
"""

import ast
import re
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def version() -> str:
    """Servista's version: the installed distribution's, else the one in the
    pyproject.toml of the source tree this code runs from (the only place it
    is written)."""
    try:
        return metadata.version("servista")
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = PACKAGE.parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text())["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def commands() -> dict[str, tuple[str, str]]:
    """Servista's management commands: name -> (synopsis, one-line summary),
    from ``servista/<app>/management/commands/<name>.py``."""
    found = {}
    for path in sorted(PACKAGE.glob("*/management/commands/*.py")):
        name = path.stem
        if not name.startswith("_"):
            found[name] = describe(name, path)
    return dict(sorted(found.items()))


def describe(name: str, path: Path) -> tuple[str, str]:
    """(synopsis, summary) from a docstring such as
    ``servista loaddemo --size N``: bulk-load N demo incidents. More..."""
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, ValueError):
        doc = ""
    text = " ".join(doc.split("\n\n")[0].split())
    synopsis = name
    head = re.match(r"``servista (" + re.escape(name) + r"\b[^`]*)``\s*:\s*", text)
    if head:
        synopsis, text = head.group(1), text[head.end():]
    sentence = re.match(r"(.+?[.!?])(?=\s|$)", text)
    summary = (sentence.group(1) if sentence else text).removesuffix(".")
    return synopsis, summary[:1].upper() + summary[1:]


def overview() -> str:
    listed = commands()
    width = max([len(synopsis) for synopsis, _ in listed.values()] + [8]) + 2
    lines = [
        f"Servista {version()}: IT service management on the ITIL 4 practices.",
        "",
        "usage: servista COMMAND [ARGS...]",
        "       servista COMMAND --help      a command's options (servista help COMMAND)",
        "",
        "Servista's commands:",
    ]
    lines += [f"  {synopsis:<{width}}{summary}".rstrip()
              for synopsis, summary in listed.values()]
    lines += [
        "",
        "Django's own commands work too (migrate, createsuperuser, changepassword,",
        "shell, dbshell, ...): `servista help --django` lists every command by app.",
        "",
        "Options:",
        f"  {'--version':<{width}}print Servista's version",
        f"  {'-h, --help':<{width}}this overview",
        "",
        "Outside `servista demo`, commands need the server's SECRET_KEY in the",
        "environment (or in SERVISTA_HOME/secret_key); see the README.",
    ]
    return "\n".join(lines) + "\n"
