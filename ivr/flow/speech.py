"""What Twilio's <Gather> can listen for: the languages it lists for speech recognition, and hints that are
words and phrases only. Pure: used by the loader (`ivr check`), `ivr doctor` and the engine's hints."""

from __future__ import annotations

import re

# The speech recognition languages Twilio's <Gather> documents (its `language` attribute with input="speech").
# A <Gather> asking for speech in a language not on it fails as a whole: the caller's key is lost too.
# Welsh (cy-GB) is not on it.
TWILIO_SPEECH_LANGUAGES = frozenset(
    """
    af-ZA am-ET ar-AE ar-BH ar-DZ ar-EG ar-IL ar-IQ ar-JO ar-KW ar-LB ar-MA ar-OM ar-PS ar-QA ar-SA ar-TN
    az-AZ bg-BG bn-BD bn-IN ca-ES cmn-Hans-CN cmn-Hans-HK cmn-Hant-TW cs-CZ da-DK de-DE el-GR en-AU en-CA
    en-GB en-GH en-IE en-IN en-KE en-NG en-NZ en-PH en-TZ en-US en-ZA es-AR es-BO es-CL es-CO es-CR es-DO
    es-EC es-ES es-GT es-HN es-MX es-NI es-PA es-PE es-PR es-PY es-SV es-US es-UY es-VE eu-ES fa-IR fi-FI
    fil-PH fr-CA fr-FR gl-ES gu-IN he-IL hi-IN hr-HR hu-HU hy-AM id-ID is-IS it-IT ja-JP jv-ID ka-GE km-KH
    kn-IN ko-KR lo-LA lt-LT lv-LV ml-IN mr-IN ms-MY nb-NO ne-NP nl-NL pl-PL pt-BR pt-PT ro-RO ru-RU si-LK
    sk-SK sl-SI sr-RS su-ID sv-SE sw-KE sw-TZ ta-IN ta-LK ta-MY ta-SG te-IN th-TH tr-TR uk-UA ur-IN ur-PK
    vi-VN yue-Hant-HK zu-ZA
    """.split()
)


def twilio_lists(speech_language: str) -> bool:
    """Whether Twilio's <Gather> lists `speech_language` for speech recognition."""
    return speech_language in TWILIO_SPEECH_LANGUAGES


def unlisted_warning(code: str, speech_language: str) -> str:
    """What `ivr check` and `ivr doctor` say of `speech: true` for a language Twilio does not list."""
    return (
        f"language {code} has speech: true, but Twilio's <Gather> does not list {speech_language} for speech "
        "recognition. A <Gather> asking for a language it does not support fails as a whole, so callers' keys "
        "would be lost at every menu too: set speech: false, and turn it on only after a live call has shown "
        f"Twilio understands words in {speech_language}"
    )


# A hint Twilio takes: words and phrases with at least one letter. Not `#`, `*` or bare digits (Twilio's
# warning 13330), and no class tokens such as $OOV_CLASS_DIGIT_SEQUENCE (they belong to one provider's
# models, and this line names no speech model).
_HINT = re.compile(r"^[^\W\d_][\w' -]*$")


def is_hint(phrase: str) -> bool:
    """Whether `phrase` may be sent to Twilio as a speech hint (words only; "nine nine nine", not "999")."""
    phrase = phrase.strip()
    return bool(_HINT.match(phrase)) and not any(ch.isdigit() for ch in phrase) and len(phrase) <= 100


def hints(phrases) -> tuple[str, ...]:
    """The phrases that may be hints, in order, once each."""
    return tuple(dict.fromkeys(p.strip() for p in phrases if is_hint(p)))
