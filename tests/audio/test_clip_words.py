"""GET /audio/<name>.txt answers for every clip the line plays, the group-end digit clips included (issue 22 item 3)."""

from __future__ import annotations

import pytest

from ivr.audio.clips import GROUPED_PREFIX, flow_clips
from ivr.audio.store import AudioStore
from ivr.audio.synth import engine_version
from ivr.flow.model import GROUP_END

from .conftest import tone


@pytest.fixture
def app_config(app_config, tmp_path):
    """Play mode with a clip for every digit, the ones that end a group of a read-back number included."""
    from ivr.flow import load_flow

    flow = load_flow(app_config["IVR_FLOW"], app_config["IVR_PROMPTS"])
    store = AudioStore(tmp_path / "audio")
    for clip in flow_clips(flow, engine_version()):
        if clip.prompt_id.startswith(GROUPED_PREFIX):
            store.write(clip.name, tone(0.1, rate=8000))
    app_config.update(IVR_SPEECH="play", IVR_AUDIO_DIR=str(store.root))
    return app_config


def test_every_digit_clip_serves_the_words_of_its_digit(app, client):
    line = app.extensions["ivr.line"]()
    names = line.twiml.audio.names
    group_ends = {name: pid for name, (pid, _) in names.items() if pid.endswith(GROUP_END)}
    assert len(group_ends) >= 10  # sys.digit.0-9 then a pause, in each language
    for name, (prompt_id, language) in names.items():
        with client.get(f"/audio/{name}.txt") as response:
            assert response.status_code == 200, (prompt_id, response.status_code)
            said = line.flow.prompts.text(prompt_id.removesuffix(GROUP_END), language)
            assert response.get_data(as_text=True) == said
            assert response.headers["Content-Language"] == language
