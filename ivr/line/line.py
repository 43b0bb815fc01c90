"""The live line: the checked flow, its engine and its TwiML renderer, built once.

Building is the slow part (YAML, checks); answering a webhook then only walks
the engine and reads caches. A broken flow never replaces a good one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..engine import Engine
from ..flow import Flow, load_flow
from .twiml import AudioLookup, TwimlRenderer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    flow: Flow
    engine: Engine
    twiml: TwimlRenderer

    @classmethod
    def build(cls, flow: Flow, public_url: str, speech: str, audio: AudioLookup | None = None) -> Line:
        return cls(flow, Engine(flow), TwimlRenderer(flow, public_url, speech, audio))

    @classmethod
    def load(cls, config, prompt_overrides=None, audio: AudioLookup | None = None) -> Line:
        """Load and check the flow named by the app config (raises FlowError)."""
        flow = load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), prompt_overrides)
        return cls.build(flow, config["IVR_PUBLIC_URL"], config["IVR_SPEECH"], audio)
