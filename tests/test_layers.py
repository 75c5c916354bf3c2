"""The package's layers and acyclic packages, as declared in pyproject.toml's
``[tool.importlinter]`` contracts, checked by import-linter on the real source."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .helpers import ROOT


def _lint_imports() -> list[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    return [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]


def test_import_contracts_are_kept():
    proc = subprocess.run([*_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "4 kept, 0 broken" in proc.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    """The check itself can fail: a copy of the package where gitops imports app is refused."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "git_voice", copy / "git_voice", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    bad = copy / "git_voice" / "gitops" / "notes.py"
    bad.write_text(bad.read_text("utf-8") + "\nfrom ..app import hook  # noqa\n", "utf-8")
    env = {"PYTHONPATH": str(copy), "PATH": str(Path(sys.executable).parent)}
    proc = subprocess.run([*_lint_imports(), "--no-cache"], cwd=copy, capture_output=True, text=True, env=env)
    assert proc.returncode != 0 and "BROKEN" in proc.stdout, proc.stdout[-2000:]


def test_every_import_in_the_package_resolves():
    """Imports inside functions (kept lazy for start-up time) name modules and names that exist."""
    import ast
    import importlib

    missing = []
    for path in sorted((ROOT / "git_voice").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            target = importlib.import_module(base)
            for alias in node.names:
                if not hasattr(target, alias.name) and importlib.util.find_spec(f"{base}.{alias.name}") is None:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {base}.{alias.name}")
    assert not missing, missing
