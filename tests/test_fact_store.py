"""The fact store is faithful to its sources and complete enough to answer from."""
import subprocess

import pytest
import yaml

from hospital_faq.knowledge.fact_store import FactStore, FactStoreError, FACTS_DIR
from hospital_faq.knowledge.hospital import load_hospital
from hospital_faq.paths import PROJECT_ROOT

STORE = FactStore.load()
SEED_TOPICS = {
    "chemotherapy", "blood_brain_barrier", "high_dose_iv_chemo", "intrathecal_chemo",
    "ommaya_reservoir", "methotrexate_cytarabine", "targeted_therapy", "metastatic_spine_cancer",
    "braf_mek_inhibitors", "alk_inhibitors", "her2_blockers", "targeted_therapy_administration",
    "targeted_therapy_results", "checkpoint_inhibitors", "treatment_options", "personalized_care",
    "corticosteroids", "surgery", "incomplete_surgery", "radiation_therapy",
    "stereotactic_radiosurgery", "proton_therapy", "clinical_trials", "support_services",
    "prevention_screening", "appointment",
}


def test_every_treatment_topic_of_the_seed_pages_is_answered():
    assert SEED_TOPICS <= {t.id for t in STORE.topics}


# Quotes word for word in their sources, enough example questions, no example under
# two topics: those rules live in hospital_faq/content/validation.py (tests/test_validation.py).


def test_the_misspelt_brand_is_corrected():
    braf = STORE.get("braf_mek_inhibitors")
    assert "Tafinlar" in braf.answer and "Fefinlar" not in braf.answer
    assert all("Fefinlar" not in t.answer for t in STORE.topics)


def test_proton_therapy_is_not_overclaimed():
    answer = STORE.get("proton_therapy").answer.lower()
    assert "no damage" not in answer and "reduc" in answer


def test_the_sources_are_the_seed_pages_verbatim():
    seeds = PROJECT_ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for source in STORE.sources.values():
        kept = (FACTS_DIR / source.file).read_text(encoding="utf-8")
        assert kept == (seeds / yaml.safe_load((FACTS_DIR / "sources.yml").read_text())[source.id]["seed"]).read_text(encoding="utf-8")


def test_hospital_details_live_only_in_hospital_yml():
    hospital = load_hospital()
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    for name in tracked:
        if name == "hospital.yml" or not name.endswith((".py", ".yml", ".md", ".html", ".js")):
            continue
        text = (PROJECT_ROOT / name).read_text(encoding="utf-8")
        for value in (hospital.phone, hospital.appointment_url, hospital.after_hours_phone):
            assert value not in text, f"{name} repeats {value!r}: use the placeholder instead"


def test_a_broken_entry_is_reported_with_its_topic(tmp_path):
    (tmp_path / "sources.yml").write_text((FACTS_DIR / "sources.yml").read_text())
    (tmp_path / "topics.yml").write_text(yaml.safe_dump([{"id": "new_topic", "title": "New"}]))
    with pytest.raises(FactStoreError, match="new_topic.*missing.*answer"):
        FactStore.load(tmp_path)


def test_an_unknown_placeholder_is_reported(tmp_path):
    entry = {"id": "x", "title": "X", "theme": "T", "answer": "Call {fone}", "source": "medical_treatment",
             "reviewer": "R", "review_date": "2026-11-21", "quotes": ["q"], "related": ["x"], "examples": ["a"]}
    (tmp_path / "sources.yml").write_text((FACTS_DIR / "sources.yml").read_text())
    (tmp_path / "topics.yml").write_text(yaml.safe_dump([entry]))
    with pytest.raises(FactStoreError, match="fone"):
        FactStore.load(tmp_path)


def _store_copy(tmp_path):
    import shutil

    shutil.copytree(FACTS_DIR, tmp_path / "facts")
    return tmp_path / "facts"


def test_the_booking_topic_is_the_one_marked_in_the_store_and_there_must_be_one(tmp_path):
    assert FactStore.load().booking.id == "appointment"
    facts = _store_copy(tmp_path)
    topics = facts / "topics.yml"
    renamed = topics.read_text().replace("- id: appointment", "- id: booking_help").replace("[appointment", "[booking_help").replace(", appointment]", ", booking_help]")
    topics.write_text(renamed)
    assert FactStore.load(facts).booking.id == "booking_help"  # renamed, still the booking topic
    topics.write_text(renamed.replace("roles: [booking, other_cancers]", "roles: [other_cancers]"))
    with pytest.raises(FactStoreError, match="no topic has the role 'booking'"):
        FactStore.load(facts)


def test_a_broken_edit_keeps_the_last_good_version_in_use(tmp_path, caplog):
    import os
    from hospital_faq.knowledge.fact_store import current_store

    facts = _store_copy(tmp_path)
    topics = facts / "topics.yml"
    good = current_store(facts)
    topics.write_text(topics.read_text() + "\n- id: [broken\n")
    os.utime(topics, ns=(1, 10**18))  # a different modification time, whatever the file system's clock
    assert current_store(facts) is good
    assert "last good version stays in use" in caplog.text
