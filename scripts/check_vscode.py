"""Drives VS Code (code-server, in headless Chromium) on a copy of examples/feature-service with the hindsight
extension installed, and checks what a user would see: the findings of src/bot.rs in the Problems panel, the
"Allow HS1003 here" quick fix and the rule's page on hover, a finding for a line typed into src/main.rs, and
the findings of a Dockerfile and a Terraform file.
Prints what it read; exits non-zero when something is missing. Run by scripts/try-vscode.sh."""

import argparse
import sys
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

# src/bot.rs's findings: code and VS Code's position label (what `hindsight check` reports, 1-based).
EXPECTED = [("HS1003", "[Ln 28, Col 41]"), ("HS1001", "[Ln 34, Col 55]"), ("HS1002", "[Ln 40, Col 9]")]
# The configuration files try-vscode.sh copies in from the examples: a Dockerfile (a language VS Code knows)
# and a Terraform file (plain text without a Terraform extension: the extension selects it by its name).
CONFIGURATION = [("Dockerfile", "HS8020", "[Ln 8, Col 6]"), ("waf.tf", "HS8005", "[Ln 9, Col 5]")]
# HS1001 reports an unwrap on what a request carries (not every unwrap: rules/PRECISION.md).
TYPED = 'fn typed(request: &bot::Request) -> usize { request.headers.get("x-score").unwrap().len() }'


def wait_for(read, predicate, seconds):
    """Polls read() until predicate holds of its result; returns the last result either way."""
    deadline = time.time() + seconds
    while True:
        value = read()
        if predicate(value) or time.time() > deadline:
            return value
        time.sleep(0.5)


def quick_open(page, name):
    """Opens a file with Quick Open (Ctrl+P), retrying while the workbench still ignores the keys."""
    for _ in range(10):
        page.keyboard.press("Escape")
        page.keyboard.press("Control+P")
        try:
            page.wait_for_selector(".quick-input-widget input", state="visible", timeout=3_000)
            page.keyboard.type(name)
            # Quick Open searches asynchronously: wait for the file among the results.
            page.wait_for_selector(f".quick-input-list .monaco-list-row[aria-label^='{name}']", timeout=10_000)
            page.keyboard.press("Enter")
            page.wait_for_selector(f".tab.active[aria-label^='{name}']", timeout=5_000)
            return
        except PlaywrightTimeout:
            time.sleep(1)
    raise RuntimeError(f"Quick Open did not open {name}")


def text_of(page, selector):
    found = page.locator(selector)
    return "\n".join(found.nth(i).inner_text() for i in range(found.count()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("folder")
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    failures = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{args.url}/?folder={args.folder}")
        page.wait_for_selector(".explorer-folders-view .monaco-list-row", timeout=60_000)
        page.locator(".monaco-workbench").click(position={"x": 700, "y": 400})

        quick_open(page, "bot.rs")
        page.keyboard.press("Control+Shift+M")
        problems = wait_for(
            lambda: text_of(page, ".markers-panel"),
            lambda text: all(code in text and at in text for code, at in EXPECTED),
            60,
        )
        page.screenshot(path=f"{args.screenshots}/1-problems.png")
        print("--- Problems panel (src/bot.rs open)\n" + problems)
        for code, at in EXPECTED:
            if f"{code}\n{at}" not in problems:
                failures.append(f"Problems panel: no {code} at {at}")

        # The quick fix and the hover at the HS1003 finding.
        page.locator(".monaco-editor .view-lines").first.click()
        page.keyboard.press("Control+G")
        page.keyboard.type("28:41")
        page.keyboard.press("Enter")
        page.keyboard.press("Control+.")
        actions = wait_for(lambda: text_of(page, ".action-widget"), lambda t: "HS1003" in t, 20)
        page.screenshot(path=f"{args.screenshots}/2-quick-fix.png")
        print("--- Quick Fix menu at 28:41\n" + actions)
        if "Allow HS1003 here" not in actions:
            failures.append("Quick Fix: no 'Allow HS1003 here'")
        page.keyboard.press("Escape")
        page.keyboard.press("Control+K")
        page.keyboard.press("Control+I")
        hover = wait_for(lambda: text_of(page, ".monaco-hover-content"), lambda t: "panic-in-config-ingestion" in t, 20)
        page.screenshot(path=f"{args.screenshots}/3-hover.png")
        print("--- Hover at 28:41 (first lines)\n" + "\n".join(hover.splitlines()[:8]))
        if "panic-in-config-ingestion" not in hover:
            failures.append("hover: no rule page for HS1003")
        page.keyboard.press("Escape")

        # A finding for a line typed (not saved) at the end of src/main.rs.
        quick_open(page, "main.rs")
        page.locator(".monaco-editor .view-lines").first.click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type(TYPED)
        typed = wait_for(lambda: text_of(page, ".markers-panel"), lambda t: "`.unwrap()`" in t[t.find("main.rs"):] and "main.rs" in t, 60)
        page.screenshot(path=f"{args.screenshots}/4-typed.png")
        main_rs = typed[typed.find("main.rs"):] if "main.rs" in typed else ""
        print("--- Problems panel after typing into src/main.rs (its part)\n" + main_rs)
        if "`.unwrap()`" not in main_rs:
            failures.append("typing: no finding for the typed .unwrap()")

        # Infrastructure as code: the findings `hindsight check` reports in each file, once it is open.
        for name, code, at in CONFIGURATION:
            quick_open(page, name)
            problems = wait_for(lambda: text_of(page, ".markers-panel"), lambda t, c=code, a=at: f"{c}\n{a}" in t, 30)
            page.screenshot(path=f"{args.screenshots}/5-{name}.png")
            part = problems[problems.find(name):] if name in problems else ""
            print(f"--- Problems panel with {name} open (its part)\n" + part)
            if f"{code}\n{at}" not in problems:
                failures.append(f"Problems panel: no {code} at {at} for {name}")
        browser.close()

    for failure in failures:
        print(f"check-vscode: FAILED: {failure}", file=sys.stderr)
    if failures:
        sys.exit(1)
    print(f"check-vscode: findings (Rust, Dockerfile, Terraform), quick fix, hover and typing seen in VS Code; screenshots in {args.screenshots}")


if __name__ == "__main__":
    main()
