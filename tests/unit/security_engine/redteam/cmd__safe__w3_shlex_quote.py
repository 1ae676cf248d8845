# expect: safe
import logging
import shlex
import subprocess
from pathlib import Path

from celery import Celery

celery_app = Celery("media", broker="redis://localhost:6379/0")
log = logging.getLogger(__name__)

MEDIA_ROOT = Path("/srv/media")
FFMPEG = "/usr/bin/ffmpeg"


def _thumb_path(video_id: str) -> Path:
    return MEDIA_ROOT / "thumbs" / f"{video_id}.jpg"


@celery_app.task(bind=True, max_retries=3)
def make_thumbnail(self, source_name: str, video_id: str, at_second: int = 3):
    src = MEDIA_ROOT / "uploads" / Path(source_name).name
    dst = _thumb_path(str(int(video_id)))
    cmd = "{ff} -y -ss {sec} -i {src} -frames:v 1 {dst} 2>/dev/null".format(
        ff=FFMPEG,
        sec=int(at_second),
        src=shlex.quote(str(src)),
        dst=shlex.quote(str(dst)),
    )
    result = subprocess.run(cmd, shell=True, timeout=300)
    if result.returncode != 0:
        log.warning("thumbnail failed for video %s", video_id)
        raise self.retry(countdown=30)
    return str(dst)


@celery_app.task
def cleanup_thumbs(max_files: int = 10000):
    thumbs = sorted((MEDIA_ROOT / "thumbs").glob("*.jpg"), key=lambda p: p.stat().st_mtime)
    removed = 0
    for path in thumbs[: max(0, len(thumbs) - max_files)]:
        path.unlink(missing_ok=True)
        removed += 1
    return removed
