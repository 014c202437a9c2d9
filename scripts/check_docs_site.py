"""Checks the docs site that `hindsight docs` wrote, statically and in a real browser.

Static: every internal link and asset of every page points at a file that exists, and every `#fragment` at an
element id in that file. Browser (headless Chromium through Playwright): a few pages load with no console
error, no uncaught exception and no request that leaves the site (no CDN, no network fetch); the search box
filters the rule index. Screenshots go to the directory given by --screenshots.

Usage: check_docs_site.py SITE_DIR --chromium PATH --screenshots DIR
"""

import argparse
import html.parser
import pathlib
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.links = []  # (attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append((name, value))


def parse(path):
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_links(site):
    problems = []
    pages = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    n_links = 0
    for path, page in pages.items():
        for attribute, value in page.links:
            url = urllib.parse.urlsplit(value)
            if url.scheme in ("http", "https", "mailto"):
                if attribute == "src":
                    problems.append(f"{path.relative_to(site)}: loads a remote resource {value}")
                continue
            if url.scheme:
                problems.append(f"{path.relative_to(site)}: unexpected link {value}")
                continue
            n_links += 1
            target = (path.parent / urllib.parse.unquote(url.path)).resolve() if url.path else path.resolve()
            if not target.is_file():
                problems.append(f"{path.relative_to(site)}: broken link {value}")
                continue
            if url.fragment:
                ids = pages[target].ids if target in pages else parse(target).ids
                if url.fragment not in ids:
                    problems.append(f"{path.relative_to(site)}: {value} names no element id in {target.name}")
    for css in site.rglob("*.css"):
        if "url(" in css.read_text(encoding="utf-8") or "@import" in css.read_text(encoding="utf-8"):
            problems.append(f"{css.relative_to(site)}: loads another resource")
    return len(pages), n_links, problems


def check_in_browser(site, chromium, screenshots):
    from playwright.sync_api import sync_playwright

    problems = []
    screenshots.mkdir(parents=True, exist_ok=True)
    rule_page = sorted((site / "rules").glob("*.html"))[0]
    incident_pages = sorted(p for p in (site / "incidents").glob("*.html") if p.name != "index.html")
    pages = [site / "index.html", rule_page, site / "incidents" / "index.html", site / "coverage.html",
             site / "codex.html"] + incident_pages[:1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        events = []
        page.on("console", lambda m: events.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: events.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: events.append(f"request failed: {r.url}"))

        def only_local(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                events.append(f"request leaves the site: {route.request.url}")
                route.abort()

        page.route("**/*", only_local)
        for path in pages:
            events.clear()
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            name = str(path.relative_to(site)).replace("/", "_").replace(".html", ".png")
            page.screenshot(path=str(screenshots / name), full_page=False)
            problems.extend(f"{path.relative_to(site)}: {e}" for e in events)

        # The search box filters the index, offline.
        events.clear()
        page.goto((site / "index.html").as_uri())
        rows = page.locator("#rules tbody tr")
        total = rows.count()
        visible = lambda: page.locator("#rules tbody tr:not([hidden])").count()
        if visible() != total or total == 0:
            problems.append(f"index: {visible()} of {total} rows visible before searching")
        first_code = rows.first.get_attribute("id")
        # Other rules' docs may mention the code; the rule itself must show and most rows must hide.
        found = lambda: page.locator(f"#rules tbody tr[id='{first_code}']:not([hidden])").count() == 1
        page.fill("#search", first_code.lower())
        n = visible()
        if not found() or not 0 < n < total:
            problems.append(f"search '{first_code}': {n} of {total} rows visible, the rule itself: {found()}")
        if page.locator("#count").inner_text() != f"{n} of {total} rules":
            problems.append(f"search '{first_code}': count says {page.locator('#count').inner_text()!r}")
        page.fill("#search", "no-such-word-anywhere")
        if visible() != 0 or not page.locator("#no-match").is_visible():
            problems.append("search for a missing word: rows still visible or no 'no match' note")
        page.fill("#search", "")
        if visible() != total:
            problems.append("clearing the search does not show every row again")
        page.keyboard.press("/")
        if page.evaluate("document.activeElement.id") != "search":
            problems.append("'/' does not focus the search box")
        page.goto((site / "index.html").as_uri() + "?q=" + urllib.parse.quote(first_code))
        if page.input_value("#search") != first_code or not found() or visible() == total:
            problems.append("?q= does not pre-fill the search")
        page.screenshot(path=str(screenshots / "index_search.png"))
        problems.extend(f"search: {e}" for e in events)
        browser.close()
    return len(pages), problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=pathlib.Path)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--screenshots", type=pathlib.Path, required=True)
    args = parser.parse_args()
    site = args.site.resolve()
    n_pages, n_links, problems = check_links(site)
    print(f"check-docs-site: {n_pages} pages, {n_links} internal links checked")
    n_loaded, browser_problems = check_in_browser(site, args.chromium, args.screenshots)
    print(f"check-docs-site: {n_loaded} pages loaded in Chromium, search exercised; screenshots in {args.screenshots}")
    problems += browser_problems
    for problem in problems:
        print(f"check-docs-site: FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
