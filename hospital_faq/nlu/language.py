"""Whether a message is written in English, the only language the assistant answers in.

The classifier learned English. A question in Spanish may still share a drug name with
a topic ("quimioterapia intratecal") and get an English answer the person may not be
able to read; instead it is told, in English and Spanish, where to get help in their
language (the scope screen and ActionOutOfScope use this). A deliberately simple test:
mostly non-Latin letters, or more common words of other languages than of English.
Short messages (a drug name, "ok") count as English.
"""
import re

_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_WORD = re.compile(r"[^\W\d_]+")

# Short, common words. OTHER holds words of Spanish, French, German and Portuguese that
# are not also English words (no "a", "do", "was", "die", "con", "hay", "ma").
ENGLISH = set("""
the a an and or of to in on for with is are was were be been it its this that these what which who
how why when where do does did can could will would should i my me you your he his she her we our
they their them not no yes have has had about from at by as if so there any some
""".split())
OTHER = set("""
el la los las del que qué es está están estoy por para una uno mis su sus cómo cuál cuáles dónde
tiene tengo pero más muy se lo le les usted ustedes padre madre hijo hija quimioterapia
des est une pour avec je il elle nous vous cette qui quoi quel quelle comment pourquoi mon mes
père mère
und der das ist nicht ich mit ein eine wie warum mein meine mutter vater
não você uma com meu minha é são os das dos em
de
""".split())


def is_english(text: str) -> bool:
    letters = _LETTER.findall(text or "")
    if letters and sum(1 for c in letters if _LATIN.match(c)) < len(letters) / 2:
        return False  # mostly another script: Chinese, Arabic, Cyrillic, Devanagari...
    words = [w.lower() for w in _WORD.findall(text or "")]
    if len(words) < 3:
        return True
    other = sum(1 for w in words if w in OTHER)
    english = sum(1 for w in words if w in ENGLISH)
    return not (other >= 2 and other > english)
