"""Script → MP3 with chapters and transcript, through real eSpeak NG and ffmpeg."""

from __future__ import annotations

import re
import subprocess

import pytest

from depesche.audio.encoding import probe
from depesche.audio.engines import EspeakEngine
from depesche.audio.errors import SynthesisError
from depesche.audio.script import Segment
from depesche.audio.synthesis import SEGMENT_PAUSE_S, Synthesis, synthesize

SCRIPT = [
    Segment("Zinsen", "Die EZB senkt den Leitzins am 6. Januar um 0,5 %. Das freut die Börse."),
    Segment("Wetter", "Am Wochenende wird es kalt. Es gibt Frost ab 22:00 Uhr."),
]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> tuple[Synthesis, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    result = synthesize(
        SCRIPT, engine=EspeakEngine(), on_progress=lambda d, t: calls.append((d, t))
    )
    mp3 = tmp_path_factory.mktemp("mp3") / "out.mp3"
    mp3.write_bytes(result.mp3)
    return result, calls


def mp3_file(result: Synthesis, tmp_path):
    path = tmp_path / "out.mp3"
    path.write_bytes(result.mp3)
    return path


def test_the_mp3_is_decodable_mono_64k_and_as_long_as_the_speech(spoken, tmp_path):
    result, _ = spoken
    path = mp3_file(result, tmp_path)
    info = probe(path)
    assert (info.codec, info.channels) == ("mp3", 1)
    assert 60_000 <= info.bit_rate <= 68_000
    assert result.duration_s == info.duration_s
    assert result.duration_s > 3
    assert abs(result.duration_s - result.speech_s) <= 0.5
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        check=False,
    )
    assert decoded.returncode == 0, decoded.stderr


def test_chapters_follow_the_segments_within_the_audio(spoken):
    result, _ = spoken
    chapters = result.chapters
    assert chapters["version"] == "1.2.0"
    assert [c["title"] for c in chapters["chapters"]] == ["Zinsen", "Wetter"]
    starts = [c["startTime"] for c in chapters["chapters"]]
    assert starts[0] == 0
    assert 0 < starts[1] < result.duration_s
    # The second chapter starts with its title's cue, after the pause between segments.
    title_cue = next(cue for cue in result.cues if cue.text == "Wetter")
    assert starts[1] == round(title_cue.start_s, 3)
    previous = result.cues[result.cues.index(title_cue) - 1]
    assert title_cue.start_s == pytest.approx(previous.end_s + SEGMENT_PAUSE_S, abs=0.001)


def test_cues_are_the_written_sentences_in_order_within_the_audio(spoken):
    result, _ = spoken
    assert [cue.text for cue in result.cues] == [
        "Zinsen",
        "Die EZB senkt den Leitzins am 6. Januar um 0,5 %.",
        "Das freut die Börse.",
        "Wetter",
        "Am Wochenende wird es kalt.",
        "Es gibt Frost ab 22:00 Uhr.",
    ]
    end = 0.0
    for cue in result.cues:
        assert end <= cue.start_s < cue.end_s <= result.duration_s
        end = cue.end_s


def test_the_webvtt_transcript_matches_the_cues(spoken):
    result, _ = spoken
    vtt = result.transcript_vtt
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> ")
    times = re.findall(
        r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$", vtt, re.M
    )
    assert len(times) == len(result.cues)
    seconds = [
        (
            int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000,
            int(h2) * 3600 + int(m2) * 60 + int(s2) + int(ms2) / 1000,
        )
        for h, m, s, ms, h2, m2, s2, ms2 in times
    ]
    for (start, stop), cue in zip(seconds, result.cues, strict=True):
        assert start == pytest.approx(cue.start_s, abs=0.001)
        assert stop == pytest.approx(cue.end_s, abs=0.001)
        assert stop <= result.duration_s
    assert "\nDie EZB senkt den Leitzins am 6. Januar um 0,5 %.\n" in vtt


def test_progress_counts_every_sentence_then_the_encoding(spoken):
    _, calls = spoken
    total = 6 + 1
    assert calls == [(done, total) for done in range(1, total)] + [(total, total)]


def test_a_missing_engine_raises_a_synthesis_error_naming_it(only_programs):
    only_programs("ffmpeg", "ffprobe")
    with pytest.raises(SynthesisError, match="eSpeak NG: the program 'espeak-ng' is not installed"):
        synthesize(SCRIPT, engine=EspeakEngine())


def test_an_empty_script_is_refused():
    with pytest.raises(SynthesisError, match="no text"):
        synthesize([Segment("", " ")], engine=EspeakEngine())
