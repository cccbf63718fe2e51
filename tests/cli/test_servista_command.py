"""``servista --version`` and ``servista --help``: they work before a secret
key is set, list Servista's own commands as found on disk, and leave every
other command to Django as before."""

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from unittest import mock

import pytest

import servista
from servista import cli, cli_help

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
COMMANDS = Path(servista.__file__).resolve().parent.glob("*/management/commands/*.py")
OURS = sorted(path.stem for path in COMMANDS if not path.stem.startswith("_"))


def servista_without_key(*args: str, tmp_path: Path, key: str | None = None):
    """Run ``servista ARGS`` as from a fresh shell: no secret key (unless
    given), an empty SERVISTA_HOME, the product settings."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SERVISTA_DEMO",
                           "DATABASE_URL")}
    env["SERVISTA_HOME"] = str(tmp_path)
    if key:
        env["SECRET_KEY"] = key
    return subprocess.run([sys.executable, "-m", "servista.cli", *args],  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=120)


def test_version_is_the_package_version_without_a_key(tmp_path):
    result = servista_without_key("--version", tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"servista {metadata.version('servista')}\n"
    assert servista_without_key("version", tmp_path=tmp_path).stdout == result.stdout


def test_version_falls_back_to_pyproject_when_not_installed():
    project = tomllib.loads(PYPROJECT.read_text())["project"]["version"]
    with mock.patch.object(cli_help.metadata, "version",
                           side_effect=metadata.PackageNotFoundError("servista")):
        assert cli_help.version() == project


@pytest.mark.parametrize("args", [(), ("help",), ("--help",), ("-h",)])
def test_help_lists_servista_commands_without_a_key(args, tmp_path):
    result = servista_without_key(*args, tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    listed = result.stdout.split("Servista's commands:\n", 1)[1].split("\n\n", 1)[0]
    names = [line.split()[0] for line in listed.splitlines()]
    assert names == OURS
    assert {"demo", "serve", "worker", "loaddemo", "token", "incident"} <= set(names)
    for line in listed.splitlines():  # each with its docstring's summary
        assert len(line.split(None, 1)) == 2, line
    assert "  loaddemo --size N  Bulk-load N demo incidents for benchmarks" in listed
    assert "servista help --django" in result.stdout
    assert "migrate" in result.stdout and "createsuperuser" in result.stdout


def test_help_django_lists_django_commands_through_django(tmp_path):
    result = servista_without_key("help", "--django", tmp_path=tmp_path, key="not-a-secret")
    assert (result.returncode, result.stderr) == (0, "")
    for command in ("migrate", "createsuperuser", "changepassword", "shell", "incident"):
        assert f"    {command}\n" in result.stdout
    assert "[auth]" in result.stdout

    # Without settings Django lists its core commands and says why no more.
    bare = servista_without_key("help", "--django", tmp_path=tmp_path)
    assert bare.returncode == 0
    assert "    migrate\n" in bare.stdout and "SECRET_KEY is not set" in bare.stdout


def test_other_commands_still_go_to_django(tmp_path):
    result = servista_without_key("help", "incident", tmp_path=tmp_path, key="not-a-secret")
    assert result.returncode == 0 and "usage: servista incident" in result.stdout
    refused = servista_without_key("migrate", tmp_path=tmp_path)
    assert refused.returncode == 2 and "SECRET_KEY is not set" in refused.stderr


def test_demo_sets_servista_demo(monkeypatch):
    monkeypatch.setenv("SERVISTA_DEMO", "0")  # restored (unset) after the test
    with mock.patch("django.core.management.execute_from_command_line") as execute:
        cli.main(["/venv/bin/servista", "demo", "--no-serve"])
    assert os.environ["SERVISTA_DEMO"] == "1"
    execute.assert_called_once_with(["servista", "demo", "--no-serve"])


def test_descriptions_come_from_docstrings_without_importing(tmp_path, monkeypatch):
    commands = tmp_path / "things" / "management" / "commands"
    commands.mkdir(parents=True)
    (commands / "__init__.py").write_text("")
    (commands / "_private.py").write_text('"""Not a command."""\n')
    (commands / "sweep.py").write_text(
        '"""``servista sweep --days D``: sweeps old rows away, slowly (see the\n'
        'docs). A second sentence.\n\nMore."""\nraise RuntimeError("imported")\n')
    (commands / "plain.py").write_text('"""Plain command"""\n')
    (commands / "bare.py").write_text("x = 1\n")
    (commands / "broken.py").write_text("def (:\n")
    monkeypatch.setattr(cli_help, "PACKAGE", tmp_path)
    assert cli_help.commands() == {
        "bare": ("bare", ""),
        "broken": ("broken", ""),
        "plain": ("plain", "Plain command"),
        "sweep": ("sweep --days D", "Sweeps old rows away, slowly (see the docs)"),
    }
    assert "sweep --days D  Sweeps old rows away" in cli_help.overview()
