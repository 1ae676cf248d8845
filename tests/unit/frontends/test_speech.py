"""Speech: espeak-ng (offline) first and real WAV audio; gTTS only with allow_cloud, hangs bounded; bad input says why."""

from __future__ import annotations

import socket
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zc_lsp.agents.conversational.speech import SpeechError, chunk_text, clean_text, mp3_duration, speak, synthesize

pytestmark = pytest.mark.skipif(not Path("/usr/bin/espeak-ng").exists(), reason="espeak-ng not installed (scripts/test.sh installs it)")


def _wav_facts(path: Path) -> tuple[int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getnframes() / w.getframerate()


def test_espeak_writes_a_valid_wav_of_nonzero_duration(tmp_path: Path) -> None:
    result = synthesize("Hello from ZombieCoder. The tests passed.", "en", tmp_path, engine="espeak")
    assert result.engine == "espeak-ng"
    assert result.path.suffix == ".wav" and result.path.parent == tmp_path
    channels, width, seconds = _wav_facts(result.path)
    assert channels == 1 and width == 2
    assert seconds > 1.0
    assert result.duration_s == pytest.approx(seconds, abs=0.01)


@pytest.fixture
def blackhole_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[socket.socket]]:
    """An HTTPS proxy that accepts connections and never answers: gTTS (no timeout of its own) hangs.

    Yields the connections it accepted, so a test can tell whether anything tried to go online."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    yield held
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()  # releases the abandoned gTTS thread
    server.close()


def test_auto_speaks_offline_and_never_contacts_the_network(tmp_path: Path, blackhole_proxy: list[Any]) -> None:
    started = time.monotonic()
    result = synthesize("Speech stays on this machine unless the user allows cloud.", "en", tmp_path)
    assert result.engine == "espeak-ng"
    assert time.monotonic() - started < 2.0  # no gTTS deadline was waited for
    assert blackhole_proxy == []  # not one connection went out
    assert _wav_facts(result.path)[2] > 0.5


def test_gtts_is_refused_without_allow_cloud(tmp_path: Path, blackhole_proxy: list[Any]) -> None:
    with pytest.raises(SpeechError, match="privacy.allow_cloud"):
        synthesize("hello", "en", tmp_path, engine="gtts")
    assert blackhole_proxy == [] and not list(tmp_path.glob("speech-*"))


def test_gtts_with_allow_cloud_reports_a_hang_within_its_deadline(tmp_path: Path,
                                                                  blackhole_proxy: list[Any]) -> None:
    started = time.monotonic()
    with pytest.raises(SpeechError, match="gTTS did not answer within 1 s"):
        synthesize("hello", "en", tmp_path, engine="gtts", gtts_timeout_s=1.0, allow_cloud=True)
    assert 1.0 <= time.monotonic() - started < 4.0  # gTTS really was tried, and waited for no longer
    assert blackhole_proxy, "gTTS never tried to connect"
    assert not list(tmp_path.glob("speech-*"))


def test_auto_with_allow_cloud_still_prefers_the_offline_voice(tmp_path: Path, blackhole_proxy: list[Any]) -> None:
    result = synthesize("Offline here.", "en", tmp_path, allow_cloud=True)
    assert result.engine == "espeak-ng" and blackhole_proxy == []


async def test_speak_action_follows_the_users_privacy_setting(tmp_path: Path, blackhole_proxy: list[Any]) -> None:
    class Settings(dict[str, Any]):
        pass

    refused = await speak(Settings({"speech.engine": "gtts", "privacy.allow_cloud": False}), tmp_path, "hello")
    assert not refused["ok"] and "privacy.allow_cloud" in refused["error"]
    assert blackhole_proxy == []


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "```\n```"])
def test_empty_text_is_a_clear_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(SpeechError, match="no text to speak"):
        synthesize(text, "en", tmp_path, engine="espeak")


def test_unsupported_language_lists_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as info:
        synthesize("hello", "tlh-klingon", tmp_path)
    message = str(info.value)
    assert "'tlh-klingon'" in message and "en" in message and "fr" in message


def test_regional_language_codes_map_to_a_voice(tmp_path: Path) -> None:
    result = synthesize("Olá, tudo bem?", "pt-BR", tmp_path, engine="espeak")
    assert result.engine == "espeak-ng" and result.duration_s > 0.3


def test_long_text_is_chunked_and_joined_into_one_wav(tmp_path: Path) -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(400))  # ~11 kB
    result = synthesize(text, "en", tmp_path, engine="espeak")
    assert result.chunks >= 5
    seconds = _wav_facts(result.path)[2]
    assert seconds > 60  # every chunk is in the file, not only the first
    assert len(list(tmp_path.glob("speech-*.wav"))) == 1  # no leftover parts


def test_text_over_the_cap_is_cut_and_said_so(tmp_path: Path) -> None:
    result = synthesize("word " * 500, "en", tmp_path, engine="espeak", max_chars=200)
    assert result.truncated and any("cut" in n for n in result.notes)


def test_old_audio_files_are_pruned(tmp_path: Path) -> None:
    for n in range(3):
        synthesize(f"file {n}", "en", tmp_path, engine="espeak", keep_files=2)
        time.sleep(0.01)
    assert len(list(tmp_path.glob("speech-*"))) == 2


def test_chunk_text_respects_the_limit_and_keeps_every_word() -> None:
    text = "Short one. " * 50 + "x" * 130 + " tail words here"
    chunks = chunk_text(text, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")


def test_clean_text_drops_markdown_and_control_characters() -> None:
    assert clean_text("**Bold** `code`\x07 ## Title") == "Bold code Title"


def _mp3_frame() -> bytes:
    # MPEG-2 Layer III, 32 kbit/s, 24 kHz, mono (what gTTS returns): 72 * 32000 / 24000 = 96 bytes
    return bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92)


def test_mp3_duration_walks_frames_after_an_id3_tag() -> None:
    id3 = b"ID3" + bytes([4, 0, 0]) + bytes([0, 0, 0, 20]) + bytes(20)  # 10-byte header + 20 tag bytes
    data = id3 + b"junk" + _mp3_frame() * 100
    assert mp3_duration(data) == pytest.approx(100 * 576 / 24000)
    assert mp3_duration(b"not audio at all") == 0.0


async def test_speak_wrapper_writes_under_the_workspace_data_folder(services: Any) -> None:
    reply = await speak(services.settings, services.data_dir, "The build is green.")
    assert reply["ok"] is True and reply["error"] is None
    path = Path(reply["audio_path"])
    assert path.parent == Path(services.memory.path) / "audio" and path.is_file()
    assert reply["engine"] in ("espeak-ng", "gtts") and reply["duration_s"] > 0


async def test_speak_wrapper_answers_errors_instead_of_raising(services: Any) -> None:
    reply = await speak(services.settings, services.data_dir, "   ")
    assert reply == {"ok": False, "audio_path": None, "engine": None, "duration_s": None,
                     "error": "There is no text to speak (the text is empty)."}
    bad = await speak(services.settings, services.data_dir, "hello", lang="zz")
    assert bad["ok"] is False and "'zz'" in bad["error"]
