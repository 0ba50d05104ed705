"""What several test modules share: a copy of the project to change, and the browser checks."""
import contextlib
import shutil
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pytest

from hospital_faq.paths import PROJECT_ROOT

# What a copy of the project needs to train, run and change content (tests that change
# facts/, data/ or models/ work on a copy, never on the checkout).
PROJECT_FILES = ["actions", "hospital_faq", "data", "facts", "config.yml", "domain.yml", "credentials.yml",
                 "endpoints.yml", "hospital.yml", "requirements.lock", "pyproject.toml"]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SETUP_HINT = "run scripts/setup-browser (scripts/test runs it) to install Debian's Chromium and axe-core"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}
TIMEOUT_MS = 60_000


def copy_project(target: Path, names: Iterable[str] = PROJECT_FILES) -> Path:
    for name in names:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def axe_violations(page) -> list:
    """What axe-core finds on the page (it looks inside shadow roots too)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed: {SETUP_HINT}.", pytrace=False)
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))""")


@contextlib.contextmanager
def fresh_pages(browser, prepare: Callable = lambda context: None) -> Iterator[Callable]:
    """A maker of pages, each in a fresh browser context (its own cookies and storage),
    `prepare`d, desktop-sized unless told otherwise; all closed at the end."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        prepare(context)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
