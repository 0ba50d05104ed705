"""The folders show the path a message travels, and imports only point one way.

channels (where a message enters), nlu (how it is understood) and actions (how it is
answered) each build on knowledge (what is answered from, and the reply composer) and
never on each other; the content team's tools and operations may use all of them,
and nothing uses them back. Each folder says so in its __init__.py.
"""
import ast
from pathlib import Path

import pytest

from hospital_faq.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "hospital_faq"
# What each part may import of this project, besides itself and hospital_faq.paths.
ALLOWED = {
    "knowledge": set(),
    "nlu": {"knowledge"},
    "channels": {"knowledge"},
    "actions": {"knowledge"},
    "ops": {"knowledge", "nlu", "channels"},
    "content": {"knowledge", "nlu", "channels", "ops"},
}


def part_of(module: str) -> str:
    """'hospital_faq.nlu.scope_screen' -> 'nlu'; 'actions.actions' -> 'actions'; else ''."""
    names = module.split(".")
    if names[0] == "actions":
        return "actions"
    if names[0] == "hospital_faq" and len(names) > 1 and names[1] in ALLOWED:
        return names[1]
    return ""


def project_imports(path: Path):
    """The project modules a file imports (absolute imports of hospital_faq or actions)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def source_files():
    for path in sorted([*PACKAGE.rglob("*.py"), *(PROJECT_ROOT / "actions").rglob("*.py")]):
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        yield (module[: -len(".__init__")] if module.endswith(".__init__") else module), path


@pytest.mark.parametrize("module, path", list(source_files()), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_point_one_way(module, path):
    part = part_of(module)
    if not part:
        assert module in ("hospital_faq", "hospital_faq.paths"), f"{module} is outside the parts: move it into one"
        return
    wrong = sorted({name for name in project_imports(path)
                    if part_of(name) and part_of(name) != part and part_of(name) not in ALLOWED[part]})
    assert not wrong, f"{module} ({part}) imports {wrong}; {part} may use only {sorted(ALLOWED[part]) or 'nothing else'}"


def test_the_root_of_the_package_uses_none_of_its_parts():
    for name in ("__init__.py", "paths.py"):
        assert not [m for m in project_imports(PACKAGE / name) if part_of(m)], name


@pytest.mark.parametrize("part", [p for p in ALLOWED if p != "actions"])
def test_each_folder_says_what_lives_there_and_what_it_may_import(part):
    doc = ast.get_docstring(ast.parse((PACKAGE / part / "__init__.py").read_text())) or ""
    assert len(doc.splitlines()) == 2, f"hospital_faq/{part}/__init__.py: two lines, what lives here and what it may import"
    assert "import" in doc.lower()


def test_the_checker_sees_a_wrong_import(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text("from hospital_faq.channels.rest import CheckedRestInput\n")
    assert "hospital_faq.channels.rest" in set(project_imports(wrong))
    assert part_of("hospital_faq.channels.rest") not in ALLOWED["nlu"]


def test_rasa_finds_every_plugin_where_config_and_credentials_name_it():
    import importlib

    import yaml

    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    names = [c["name"] for c in config["pipeline"] + config["importers"] if "." in c["name"]] + list(credentials)
    for name in names:
        module, _, cls = name.rpartition(".")
        assert hasattr(importlib.import_module(module), cls), name
