"""Which messages are in English (the assistant answers in English only)."""
import pytest

from hospital_faq.nlu.language import is_english


@pytest.mark.parametrize("text", [
    "what is intrathecal chemo?",
    "my mom Maria de la Cruz has a spinal tumor, what is chemo",
    "keytruda",
    "ommaya?",
    "😀😀",
    "",
])
def test_english_or_too_short_to_tell(text):
    assert is_english(text)


@pytest.mark.parametrize("text", [
    "¿Qué es la quimioterapia intratecal?",
    "tengo un tumor en la columna, que tratamientos hay?",
    "dexamethasone para que sirve",
    "Mon père a une tumeur de la colonne, c'est quoi la protonthérapie?",
    "Was ist eine Protonentherapie bei einem Tumor der Wirbelsäule?",
    "O que é quimioterapia intratecal?",
    "我爸爸脊柱有肿瘤，化疗怎么做？",
    "что такое химиотерапия",
    "هل يمكن علاج ورم العمود الفقري بالجراحة؟",
])
def test_other_languages(text):
    assert not is_english(text)
