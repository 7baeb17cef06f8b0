"""A Hugo site's files other than its pages: its configuration (one file, or the split
configuration of `config/_default/` nested as Hugo nests it), and the files it serves
from elsewhere than `static/`: page bundles' files beside their old page, and `assets/`
files pages name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsgen.migrate.common import (
    ConfigBroken,
    DataError,
    ImportRefused,
    Notes,
    load_data,
    scalar_text,
    walk,
)

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml",
                "config.yaml", "config.yml", "config.json")

def lower_keys(value: Any) -> Any:
    """Hugo reads configuration keys case-insensitively."""
    if isinstance(value, dict):
        return {str(k).lower(): lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lower_keys(v) for v in value]
    return value


def table(value: Any) -> dict[str, Any]:
    """A mapping of the configuration, or an empty one."""
    return value if isinstance(value, dict) else {}


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _nested(stem: str, data: dict[str, Any]) -> dict[str, Any]:
    """A file of `config/_default/` where Hugo puts it: `X.toml` is the key X,
    `X.<lang>.toml` is `languages.<lang>` (its `menus` or `params` for menu(s) and params),
    `hugo.toml` and `config.toml` the root."""
    if stem in ("hugo", "config"):
        return data
    name, dot, lang = stem.rpartition(".")
    if not dot:
        return {stem: data}
    inner = {{"menu": "menus"}.get(name, name): data} if name in (
        "menu", "menus", "params") else data
    return {"languages": {lang: inner}}


def read_config(src: Path, notes: Notes) -> dict[str, Any]:
    config: dict[str, Any] = {}
    found = False
    files = [src / name for name in CONFIG_NAMES if (src / name).is_file()][:1]
    folder = src / "config" / "_default"
    if folder.is_dir():
        files += sorted(p for p in folder.iterdir()
                        if p.suffix in (".toml", ".yaml", ".yml", ".json"))
    for path in files:
        rel = path.relative_to(src).as_posix()
        try:
            data = load_data(path)
        except DataError as exc:
            raise ConfigBroken(rel, exc.line, exc.message) from None
        except OSError as exc:
            raise ConfigBroken(rel, None, f"cannot be read: {exc.strerror}") from None
        found = True
        data = lower_keys(data) if isinstance(data, dict) else {}
        if path.parent == folder:
            data = _nested(path.stem.lower(), data)
        _merge(config, data)
    if not found and not (src / "content").is_dir():
        raise ImportRefused(f"{src} has no hugo.toml, config.toml (or YAML, JSON) and no "
                            "content/: no Hugo site")
    return config


def bundle_files(bundles: list[tuple[str, str | None]], copies: list[tuple[Path, str]],
                 ) -> list[tuple[Path, str]]:
    """Hugo publishes a page bundle's files beside its page (`/2023/06/21/x/chart.png`),
    newsgen at their content path: each is copied to `static/` at its old URL as well, so
    the old URLs (and the absolute links that use them) keep working. `bundles` are
    (the bundle's folder under the new site, the page's old URL)."""
    out: list[tuple[Path, str]] = []
    for folder, old_url in bundles:
        if not old_url or "://" in old_url:
            continue
        base = old_url.split("?", 1)[0].split("#", 1)[0]
        base = base if base.endswith("/") else base.rpartition("/")[0] + "/"
        for path, target in copies:
            inner = target.removeprefix(folder + "/")
            # (not where the content copy is published already: Hugo's default URLs)
            if inner != target and not inner.startswith("index.") and \
                    base + inner != "/" + target.removeprefix("content/"):
                out.append((path, "static" + base + inner))
    return out


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico")


def asset_images(src: Path, copies: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """`assets/` images, copied to `static/` at the same path: pages name them as site
    paths (`{{< figure src="/images/x.jpg" >}}`) and Hugo's templates publish them there
    as resources. A file of `static/` at the same path wins."""
    taken = {target for _, target in copies}
    return [(path, f"static/{rel}") for path, rel in walk(src / "assets")
            if rel.lower().endswith(IMAGE_SUFFIXES) and f"static/{rel}" not in taken
            and not any(part.startswith((".", "_")) for part in rel.split("/"))]


def theme_static(src: Path, config: dict[str, Any],
                 copies: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The theme's `static/` files, copied to `static/` at the same path: Hugo serves them
    at the site's root under the site's own files (of `static/` and `content/`), which
    win (a post's images are often there). Of a list of themes, the first wins; a theme
    that is a module (no folder) has none here."""
    names = _themes(config)
    folder = src / themes_dir(config)
    taken = {target.partition("/")[2] for _, target in copies}  # what each publishes
    out: list[tuple[Path, str]] = []
    for name in names:
        for path, rel in walk(folder / name / "static"):
            if rel not in taken and not any(part.startswith(".") for part in rel.split("/")):
                taken.add(rel)
                out.append((path, f"static/{rel}"))
    return out


def own_shortcodes(src: Path, config: dict[str, Any]) -> dict[str, str]:
    """The shortcodes the site or its themes define (`layouts/shortcodes/<name>.html`, or
    `layouts/_shortcodes/` since Hugo 0.146; `<name>.en.html` for one language), by name:
    the file Hugo used, the site's before its themes'."""
    found: dict[str, str] = {}
    for folder in ("", *(f"{themes_dir(config)}/{name}/" for name in _themes(config))):
        for kind in ("layouts/shortcodes", "layouts/_shortcodes"):
            for path in sorted((src / folder / kind).glob("*.*")):
                name, *middle, suffix = path.name.lower().split(".")
                if suffix in _TEMPLATES and not _OTHER_FORMATS.intersection(middle):
                    found.setdefault(name, f"{folder}{kind}/{path.name}")
    return found


# A shortcode's template (Ace and Amber before Hugo 0.62), and the output formats
# whose own templates (`vimeo.amp.html`) leave a web page's to Hugo's
_TEMPLATES = frozenset({"html", "ace", "amber"})
_OTHER_FORMATS = frozenset({"amp", "rss", "json", "xml", "calendar", "csv", "robots",
                            "sitemap", "sitemapindex", "webappmanifest", "txt", "md"})


def _themes(config: dict[str, Any]) -> list[str]:
    """The site's themes (`theme`: one or a list, then the modules it imports by a folder's
    name, `[[module.imports]] path = "name"`), the first winning."""
    themes = config.get("theme")
    names = [themes] if isinstance(themes, str) else [
        t for t in themes if isinstance(t, str)] if isinstance(themes, list) else []
    module = config.get("module")
    imports = module.get("imports") if isinstance(module, dict) else None
    for item in imports if isinstance(imports, list) else []:
        path = item.get("path") if isinstance(item, dict) else None
        if isinstance(path, str) and path not in names and "/" not in path.strip("/"):
            names.append(path.strip("/"))  # (a module at a URL is not in the site's folder)
    return names


def themes_dir(config: dict[str, Any]) -> str:
    """The folder of the site's themes (`themesDir`)."""
    return (scalar_text(config.get("themesdir")) or "themes").rstrip("/") or "/"


def feed_moves(name: str, default: str, others: list[str], in_subdir: bool,
               section: str, kinds: frozenset[str] = frozenset({"home", "section", "tags"}),
               ) -> str | None:
    """Where each of Hugo's feeds (`<name>.xml`: `index.xml`, or the RSS format's
    `baseName`) should be sent to newsgen's (`feed.xml`), as a sentence; None when all
    are newsgen's. Hugo 0.111 wrote them at the root (the site's, each section's, each
    tag's), under `/<lang>/` for the other languages and, with
    defaultContentLanguageInSubdir, for the default one too, unless it is the only one:
    that one's stayed at the root (0.115 and later put them under `/<lang>/`), where
    newsgen writes none (its feeds are under `/<lang>/`, the root a redirect page).
    `kinds`: the pages whose feeds Hugo wrote (`home`, `section`, `tags`)."""
    new = f"/{default}/" if in_subdir else "/"
    roots = [new] if in_subdir and others else ["/", new] if in_subdir else ["/"]
    said: list[str] = []
    for i, old in enumerate(roots):
        moves = [(f"{old}{name}.xml", f"{new}feed.xml", "home"),
                 (f"{old}<section>/{name}.xml", f"{new}<section>/feed.xml", "section"),
                 (f"{old}tags/<tag>/{name}.xml and {old}tags/{name}.xml", f"{new}feed.xml",
                  "tags")]
        items = [f"{a} to {b}" + (f" ({a.replace('<section>', section)} to "
                                  f"{b.replace('<section>', section)})"
                                  if "<section>" in a and not i else "")
                 for a, b, kind in moves if a != b and kind in kinds]
        if items and i:
            items[0] = f"and where Hugo 0.115 and later wrote them, {items[0]}"
        said += items
    if said and others:
        codes = ", ".join(f"/{code}/" for code in others[:3]) + (
            ", …" if len(others) > 3 else "")
        said.append(f"and the same under each other language's folder ({codes})")
    return ", ".join(said) or None
