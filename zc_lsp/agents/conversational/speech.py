"""Text to speech: espeak-ng (offline, Debian) first; gTTS (Google's online voice) only when the user allows cloud.

Why offline first: gTTS sends the text to Google's service, so it is a cloud provider like any
other and needs `privacy.allow_cloud: true` (a user-level setting a workspace cannot grant); the
text it gets is scrubbed of secrets. gTTS 2.2 has no network timeout of its own, so it runs in a
worker thread with a deadline: a hung connection costs at most `gtts_timeout_s`.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import re
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
ENGINES = ("auto", "gtts", "espeak")
GTTS_CHUNK_CHARS = 4000  # gTTS splits further itself (100 chars per request); this bounds one call
ESPEAK_CHUNK_CHARS = 2000
ESPEAK_CHUNK_TIMEOUT_S = 60.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKUP = re.compile(r"```[a-zA-Z0-9_+-]*|[`*_#>|]+")


class SpeechError(Exception):
    """Speech could not be produced; the message says why in words a user can act on."""


@dataclass
class SpeechResult:
    path: Path
    engine: str  # gtts | espeak-ng
    duration_s: float
    chunks: int = 1
    truncated: bool = False
    notes: list[str] = field(default_factory=list)  # e.g. why gTTS was skipped


def clean_text(text: str) -> str:
    """Plain words for a voice: no control characters, no markdown punctuation read out loud."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n"))
    text = _MARKUP.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def chunk_text(text: str, limit: int) -> list[str]:
    """Split at sentence, then word boundaries so no chunk exceeds `limit` characters."""
    pieces = re.split(r"(?<=[.!?;:\n])\s+", text)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        while len(piece) > limit:  # one very long sentence: cut at the last space that fits
            cut = piece.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            chunks.extend([c for c in (current, piece[:cut].strip()) if c])
            current, piece = "", piece[cut:].strip()
        if current and len(current) + 1 + len(piece) > limit:
            chunks.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        chunks.append(current)
    return chunks


# -- languages ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def gtts_languages() -> dict[str, str]:
    """gTTS's language table (shipped with the package: no network needed)."""
    try:
        from gtts.lang import tts_langs

        return dict(tts_langs())
    except Exception as exc:  # gTTS missing or broken: the offline engine still works
        log.warning("gTTS languages unavailable: %s", exc)
        return {}


@lru_cache(maxsize=1)
def espeak_languages() -> tuple[str, ...]:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return ()
    try:
        out = subprocess.run([exe, "--voices"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("espeak-ng --voices failed: %s", exc)
        return ()
    langs = [line.split()[1] for line in out.splitlines()[1:] if len(line.split()) > 1]
    return tuple(dict.fromkeys(langs))


def _match(lang: str, known: list[str] | tuple[str, ...]) -> str | None:
    """Exact, then case-insensitive, then the base language ("pt-BR" -> "pt"), then a regional voice."""
    if lang in known:
        return lang
    lowered = {k.lower(): k for k in known}
    if lang.lower() in lowered:
        return lowered[lang.lower()]
    base = lang.lower().replace("_", "-").split("-")[0]
    if base in lowered:
        return lowered[base]
    # espeak-ng lists "en-gb", "en-us" but no bare "en": take the first regional voice
    return next((lowered[k] for k in lowered if k.startswith(base + "-")), None)


def _unsupported(lang: str) -> SpeechError:
    examples = sorted(set(gtts_languages()) | set(espeak_languages()))
    common = [x for x in ("en", "es", "fr", "de", "it", "pt", "ru", "zh", "ja", "ar", "hi", "bn") if x in examples]
    return SpeechError(
        f"Speech does not support the language {lang!r}. Supported include: {', '.join(common or examples[:12])} "
        f"({len(examples)} in all; `espeak-ng --voices` lists the offline ones)."
    )


# -- engines -----------------------------------------------------------------------------------
def _gtts_bytes(chunks: list[str], lang: str, timeout_s: float) -> bytes:
    """MP3 bytes from gTTS, or raise within about `timeout_s` per chunk (the call runs in a thread)."""
    from gtts import gTTS

    buffer = io.BytesIO()
    for chunk in chunks:
        outcome: dict[str, Any] = {}

        def work(text: str = chunk, outcome: dict[str, Any] = outcome) -> None:
            try:
                gTTS(text, lang=lang).write_to_fp(buffer)
            except Exception as exc:  # reported to the waiting caller below
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="zc-gtts", daemon=True)
        worker.start()
        worker.join(timeout_s)
        if worker.is_alive():  # the thread is abandoned; it ends when its socket does
            raise SpeechError(f"gTTS did not answer within {timeout_s:g} s")
        if "error" in outcome:
            raise SpeechError(f"gTTS failed: {outcome['error']}")
    return buffer.getvalue()


def _espeak_wav(chunks: list[str], lang: str, dest: Path) -> None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechError("espeak-ng is not installed (Debian package `espeak-ng`)")
    with tempfile.TemporaryDirectory(prefix="zc-espeak-") as tmp:
        parts: list[Path] = []
        for n, chunk in enumerate(chunks):
            part = Path(tmp) / f"{n:04d}.wav"
            try:
                # --stdin: no argument-length limit, and text starting with "-" is not an option
                proc = subprocess.run([exe, "-v", lang, "-w", str(part), "--stdin"], input=chunk, text=True,
                                      capture_output=True, timeout=ESPEAK_CHUNK_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired as exc:
                raise SpeechError(f"espeak-ng took longer than {ESPEAK_CHUNK_TIMEOUT_S:g} s on one chunk") from exc
            if proc.returncode != 0 or not part.is_file():
                raise SpeechError(f"espeak-ng failed ({proc.returncode}): {proc.stderr.strip()[:300]}")
            parts.append(part)
        concat_wavs(parts, dest)


def concat_wavs(parts: list[Path], dest: Path) -> None:
    """Join WAV files of identical format into one (espeak-ng writes 22 kHz mono 16-bit)."""
    with wave.open(str(dest), "wb") as out:
        for n, part in enumerate(parts):
            with wave.open(str(part), "rb") as src:
                if n == 0:
                    out.setparams(src.getparams())
                out.writeframes(src.readframes(src.getnframes()))


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate() or 1)


_MP3_BITRATES = {  # kbps by (mpeg version 1?, index)
    True: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    False: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_MP3_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def mp3_duration(data: bytes) -> float:
    """Seconds of MPEG audio Layer III, by walking its frame headers (gTTS writes MPEG-2 mono)."""
    pos, seconds = 0, 0.0
    if data[:3] == b"ID3" and len(data) >= 10:
        pos = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F))
    while pos + 4 <= len(data):
        b1, b2 = data[pos + 1], data[pos + 2]
        version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
        if data[pos] != 0xFF or (b1 & 0xE0) != 0xE0 or version == 1 or layer != 1:
            pos += 1  # not a Layer III frame header: resync
            continue
        bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
        if bitrate_index in (0, 15) or rate_index == 3:
            pos += 1
            continue
        mpeg1 = version == 3
        bitrate = _MP3_BITRATES[mpeg1][bitrate_index] * 1000
        rate = _MP3_RATES[version][rate_index]
        samples = 1152 if mpeg1 else 576
        size = (144 if mpeg1 else 72) * bitrate // rate + ((b2 >> 1) & 1)
        seconds += samples / rate
        pos += max(size, 4)
    return seconds


# -- the entry points --------------------------------------------------------------------------
def _prune(out_dir: Path, keep: int) -> None:
    files = sorted((p for p in out_dir.glob("speech-*") if p.is_file()), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - keep)]:
        try:
            old.unlink()
        except OSError as exc:
            log.warning("could not remove old audio %s: %s", old, exc)


def synthesize(
    text: str,
    lang: str,
    out_dir: Path,
    engine: str = "auto",
    *,
    gtts_timeout_s: float = 3.0,
    max_chars: int = 50_000,
    keep_files: int = 50,
    allow_cloud: bool = False,
) -> SpeechResult:
    """Write `text` as speech under `out_dir`; raise SpeechError with a plain reason when impossible.

    `allow_cloud` is the user's `privacy.allow_cloud`: without it gTTS is never contacted."""
    if engine not in ENGINES:
        raise SpeechError(f"Unknown speech engine {engine!r}; use one of: {', '.join(ENGINES)}.")
    words = clean_text(text or "")
    if not words:
        raise SpeechError("There is no text to speak (the text is empty).")
    truncated = len(words) > max_chars
    if truncated:
        cut = words.rfind(" ", 0, max_chars)
        words = words[: cut if cut > 0 else max_chars]
    if engine == "gtts" and not allow_cloud:
        raise SpeechError("gTTS sends the text to Google's service; it is used only with privacy.allow_cloud: true "
                          "in your user config or editor settings (espeak-ng speaks offline: engine 'espeak').")
    e_lang = _match(lang, espeak_languages()) if engine in ("auto", "espeak") else None
    g_lang = _match(lang, list(gtts_languages())) if engine == "gtts" or (engine == "auto" and allow_cloud) else None
    if g_lang is None and e_lang is None:
        if engine == "espeak" and not espeak_languages():
            raise SpeechError("espeak-ng is not installed (Debian package `espeak-ng`).")
        if engine == "auto" and not allow_cloud and _match(lang, list(gtts_languages())) is not None:
            raise SpeechError(f"espeak-ng cannot speak {lang!r} here, and gTTS (online) is off: "
                              "privacy.allow_cloud is false.")
        raise _unsupported(lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"speech-{time.strftime('%Y%m%d-%H%M%S')}-{hashlib.sha256(words.encode()).hexdigest()[:8]}"
    failures: list[str] = []
    notes = [f"text longer than {max_chars} characters was cut"] if truncated else []
    if e_lang is not None:
        chunks = chunk_text(words, ESPEAK_CHUNK_CHARS)
        dest = out_dir / f"{stem}.wav"
        try:
            _espeak_wav(chunks, e_lang, dest)
        except SpeechError as exc:
            failures.append(str(exc))
            log.info("espeak-ng could not speak, %s: %s", "trying gTTS" if g_lang else "no other engine", exc)
        else:
            _prune(out_dir, keep_files)
            return SpeechResult(dest, "espeak-ng", round(wav_duration(dest), 2), len(chunks), truncated, notes)
    elif engine in ("auto", "espeak"):
        failures.append("espeak-ng is not installed" if not espeak_languages() else f"espeak-ng has no voice for {lang!r}")
    if g_lang is not None:
        from zc_lsp.core.redact import scrub

        chunks = chunk_text(scrub(words), GTTS_CHUNK_CHARS)  # nothing leaves the machine unredacted
        try:
            data = _gtts_bytes(chunks, g_lang, gtts_timeout_s)
        except SpeechError as exc:
            failures.append(str(exc))
        else:
            dest = out_dir / f"{stem}.mp3"
            dest.write_bytes(data)
            _prune(out_dir, keep_files)
            return SpeechResult(dest, "gtts", round(mp3_duration(data), 2), len(chunks), truncated,
                                notes + [f"online voice used: {f}" for f in failures])
    elif engine == "gtts":
        failures.append(f"gTTS does not support {lang!r}")
    raise SpeechError("No speech engine could speak this: " + "; ".join(failures) + ".")


async def speak(settings: Any, data_dir: Path | None, text: str, lang: str | None = None) -> dict[str, Any]:
    """The `speak` action's body: never raises, answers {ok, audio_path, engine, duration_s, error}.

    Audio goes under the workspace's data folder (`data_dir`), or a temp folder when there is none.
    """
    lang = lang or str(settings.get("speech.lang", "en") or "en")
    base = data_dir if data_dir is not None else Path(tempfile.gettempdir()) / "zombiecoder"
    try:
        result = await asyncio.to_thread(
            synthesize, text, lang, base / "audio", str(settings.get("speech.engine", "auto") or "auto"),
            gtts_timeout_s=float(settings.get("speech.gtts_timeout_s", 3.0)),
            max_chars=int(settings.get("speech.max_chars", 50_000)),
            keep_files=int(settings.get("speech.keep_files", 50)),
            allow_cloud=bool(settings.get("privacy.allow_cloud", False)),
        )
    except SpeechError as exc:
        return {"ok": False, "audio_path": None, "engine": None, "duration_s": None, "error": str(exc)}
    return {"ok": True, "audio_path": str(result.path), "engine": result.engine, "duration_s": result.duration_s,
            "error": None, "notes": result.notes, "truncated": result.truncated}
