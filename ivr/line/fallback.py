"""The answer of last resort: safety line, the helpline number, and a transfer.

The same static TwiML serves three purposes: it is what a webhook answers when
something unexpected fails inside the line, it is served at the fixed path
/voice/fallback, and `ivr export-fallback` writes it to a file an operator
hosts elsewhere as the Twilio number's "primary handler fails" URL, so a
caller still gets help when this service is down altogether.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from ..flow.model import Flow


def fallback_twiml(flow: Flow, caller_id: str | None = None) -> str:
    """Say the safety line and the number in every language, then connect to the helpline.

    `caller_id` is the number the caller rang (ours), shown to the helpline as on every
    transfer; the static export has none to give, and Twilio then shows the caller's.
    """
    settings = flow.settings
    helpline = settings.numbers.get("helpline")
    languages = [settings.default_language] + [c for c in settings.languages if c != settings.default_language]
    response = VoiceResponse()
    for code in languages:
        language = settings.languages[code]
        response.say(flow.prompts.text("fallback.message", code), voice=language.say_voice, language=code)
    if helpline is not None:
        response.dial(helpline.e164, timeout=settings.timeout_dial, caller_id=caller_id)
    for code in languages:
        language = settings.languages[code]
        response.say(flow.prompts.text("fallback.number", code), voice=language.say_voice, language=code)
    response.hangup()
    return str(response)
