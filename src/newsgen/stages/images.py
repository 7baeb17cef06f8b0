"""Lead images: responsive variants made with Pillow, cached between builds.

For each local lead image newsgen writes narrower copies beside the original
(`photo-480w.jpg`, `photo-960w.jpg`) and WebP versions of every width
(`photo-480w.webp`, …, `photo-1600w.webp`), so the theme can offer `srcset`
and a `<picture>` with WebP. Variants are made once and kept in
`.newsgen-cache/images/`, named by a hash of the original's bytes and the
settings; a later build copies them from there.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from newsgen.errors import Reporter
from newsgen.model.config import Config
from newsgen.model.site import Entry, Site

RESIZABLE = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
CACHE_VERSION = "1"


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    path: str  # output path
    mime: str


@dataclass(frozen=True)
class ImageInfo:
    width: int | None
    height: int | None
    variants: tuple[Variant, ...] = ()  # narrowest first, all formats
    crops: tuple[Variant, ...] = ()  # 16:9, 4:3 and 1:1, for structured data


# What search engines ask of a lead image to show it large (Google's Article guidance).
GOOD_WIDTH, GOOD_AREA = 1200, 50_000
CROPS = ((16, 9), (4, 3), (1, 1))
WEBP_LIMIT = 16_383  # the most pixels a side of a WebP image


@dataclass
class ImageSet:
    """What the image stage found and made: sizes for templates, files for the writer."""

    info: dict[str, ImageInfo] = field(default_factory=dict)  # by the original's output path
    files: dict[str, Path] = field(default_factory=dict)  # variant output path -> cached file

    @property
    def paths(self) -> set[str]:
        """Every variant's output path, made by this build or not (`newsgen check`)."""
        return {*self.files, *(v.path for info in self.info.values()
                               for v in (*info.variants, *info.crops))}


def _cache_name(digest: str, width: int | str, fmt: str, quality: int) -> str:
    key = f"{CACHE_VERSION}:{digest}:{width}:{fmt}:{quality}"
    return hashlib.sha256(key.encode()).hexdigest()[:24] + "." + fmt.lower()


def _save_atomic(image: Image.Image, target: Path, fmt: str, quality: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            options: dict[str, object] = {"optimize": True}
            if fmt in ("JPEG", "WEBP"):
                options["quality"] = quality
            if fmt == "JPEG":
                options["progressive"] = True
            image.save(fh, fmt, **options)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def process(site: Site, cache_dir: Path | None, reporter: Reporter,
            taken: Iterable[str]) -> ImageSet:
    """Measure every local lead image and make its variants (or take them from the cache)."""
    return process_entries(site.config, site.entries, cache_dir, reporter, taken)


def process_entries(config: Config, entries: Iterable[Entry], cache_dir: Path | None,
                    reporter: Reporter, taken: Iterable[str]) -> ImageSet:
    """`process`, of the lead images of `entries` only."""
    result = ImageSet()
    used = set(taken)
    seen: set[str] = set()
    for entry in entries:
        image = entry.image
        if image is None or image.external or image.source is None or image.url in seen:
            continue
        seen.add(image.url)
        _one(config, image.url, image.source, entry.article.source,
             entry.article.image.line if entry.article.image else None,
             cache_dir, reporter, result, used)
    return result


# Images that browsers show and Pillow does not read: used as they are, with a warning.
SHOWN_AS_IS = frozenset({"svg", "svgz", "avif", "heic", "heif", "jxl"})


def _open(path: Path, data: bytes) -> tuple[Image.Image, bool]:
    """The image, and whether it was read past a damaged optional part: a PNG chunk
    whose checksum does not match (editors' tools leave them in colour profiles, and
    browsers show the image). A PNG cut short is still refused."""
    try:
        return Image.open(path), False
    except UnidentifiedImageError:
        if not (data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82")):
            raise
    before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, True
    try:  # (which skips the checksums of optional chunks only)
        image = Image.open(path)
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return image, True


def _one(config: Config, output: str, source: str, article: str, line: int | None,
         cache_dir: Path | None, reporter: Reporter, result: ImageSet, used: set[str]) -> None:
    path = config.root / source
    stem, dot, ext = output.rpartition(".")
    fmt = RESIZABLE.get(f".{ext.lower()}") if dot else None
    try:
        data = path.read_bytes()
        with warnings.catch_warnings():
            # A 100-megapixel photo is no trap, only one past twice Pillow's limit (below)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image_file, damaged = _open(path, data)
        if damaged:
            reporter.warning(article, line, f"image: {source} has a damaged optional part (a "
                                            "checksum that does not match, often in its colour "
                                            "profile): read without it; saving the image "
                                            "again mends it")
        with image_file as opened:
            width, height = opened.size
            if fmt is None or getattr(opened, "is_animated", False):
                _check_size(width, height, source, article, line, reporter)
                result.info[output] = ImageInfo(width, height)  # a GIF, an animation: as is
                return
            ImageOps.exif_transpose(opened, in_place=True)
            width, height = opened.size
            original = opened.copy()
    except UnidentifiedImageError:
        if ext.lower() in SHOWN_AS_IS:  # an SVG, or another image Pillow does not read
            reporter.warning(article, line, f"image: {source} is not a JPEG, PNG, WebP or "
                                            "GIF: search engines and social cards "
                                            "(og:image) do not show it; use one of those")
            result.info[output] = ImageInfo(None, None)
            return
        reporter.error(article, line, f"image: {source} is not an image newsgen can read"
                       + ("" if fmt else " (a lead image is a JPEG, PNG, WebP or GIF file)"))
        return
    except OSError as exc:
        reporter.error(article, line, f"image: cannot read {source} ({exc})")
        return
    except Image.DecompressionBombError:  # a header that claims billions of pixels
        reporter.error(article, line, f"image: {source} says it is larger than "
                                      f"{2 * (Image.MAX_IMAGE_PIXELS or 0):,} pixels, too "
                                      "large to read (a photo that big is a mistake, or a trap)")
        return
    digest = hashlib.sha256(data).hexdigest()
    widths = sorted({w for w in config.images.widths if w < width})
    plan: list[tuple[int, str]] = [(w, fmt) for w in widths]
    if config.images.webp and fmt != "WEBP":  # (WebP holds at most 16,383 px a side)
        plan += [(w, "WEBP") for w in [*widths, width]
                 if max(w, height * w / width) <= WEBP_LIMIT]
    quality = config.images.quality

    def made(variant: Variant, key: int | str, out_fmt: str, what: str,
             make: Callable[[], Image.Image]) -> bool:
        """Claim the variant's output path and make it (or take it from the cache)."""
        if variant.path in used:
            reporter.error(article, line, f"image: {variant.path} is both a file of the site "
                                          f"and {what} of {source}; rename the file")
            return False
        used.add(variant.path)
        if cache_dir is None:
            return True  # `newsgen check`: sizes only, nothing is made
        cached = cache_dir / "images" / _cache_name(digest, key, out_fmt, quality)
        if not cached.is_file():
            try:
                image = make()
                if out_fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                _save_atomic(image, cached, out_fmt, quality)
            except (OSError, ValueError) as exc:  # an encoder's own limits
                reporter.error(article, line, f"image: cannot make {variant.path} from "
                                              f"{source} ({exc})")
                return False
        result.files[variant.path] = cached
        return True

    variants: list[Variant] = []
    for w, out_fmt in plan:
        h = max(1, round(height * w / width))
        suffix = "webp" if out_fmt == "WEBP" else ext
        variant = Variant(w, h, f"{stem}-{w}w.{suffix}", MIME[out_fmt])
        # (resize to the same size is a copy)
        if made(variant, w, out_fmt, "a size",
                functools.partial(original.resize, (w, h), Image.Resampling.LANCZOS)):
            variants.append(variant)
    crops: list[Variant] = []
    if _check_size(width, height, source, article, line, reporter):
        for rw, rh in CROPS:
            cw, ch = (round(height * rw / rh), height) if width * rh > height * rw else (
                width, round(width * rh / rw))
            crop = Variant(cw, ch, f"{stem}-{rw}x{rh}.{ext}", MIME[fmt])
            if made(crop, f"{rw}x{rh}", fmt, "a crop", functools.partial(
                    ImageOps.fit, original, (cw, ch), Image.Resampling.LANCZOS)):
                crops.append(crop)
    result.info[output] = ImageInfo(width, height, tuple(variants), tuple(crops))


def _check_size(width: int, height: int, source: str, article: str, line: int | None,
                reporter: Reporter) -> bool:
    """Whether search engines would show the image large; a warning when not."""
    if width < GOOD_WIDTH or width * height < GOOD_AREA:
        reporter.warning(article, line, f"image: {source} is {width} × {height} px; search "
                                        f"engines show a lead image large when it is at least "
                                        f"{GOOD_WIDTH:,} px wide and {GOOD_AREA:,} px in all")
        return False
    return True
