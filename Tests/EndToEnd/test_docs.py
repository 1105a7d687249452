"""The documentation cannot drift from the code: the generated reference pages are current, every
relative link and anchor resolves, every `charter` command line in a page uses only flags its
command has, every configuration key a page names exists, and the blocks marked runnable run."""
import glob
import os
import re
import shlex
import socket
import subprocess

import pytest

from harness import BINARY, ROOT

PAGES = sorted([os.path.join(ROOT, "README.md"), os.path.join(ROOT, "ARCHITECTURE.md")]
               + glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True))


def generated(kind):
    return subprocess.run([BINARY, "docs", kind], capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.mark.parametrize("kind", ["configuration", "cli"])
def test_the_generated_reference_pages_are_current(kind):
    committed = open(os.path.join(ROOT, "docs", "reference", f"{kind}.md")).read()
    assert committed == generated(kind), f"docs/reference/{kind}.md is stale: run bash Scripts/docs.sh"


def slugs(path):
    """GitHub's anchors of a page's headings."""
    result = set()
    in_code = False
    for line in open(path):
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        title = line.lstrip("#").strip()
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        result.add(slug)
    return result


def links(path):
    text = re.sub(r"```.*?```", "", open(path).read(), flags=re.S)
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_every_relative_link_and_anchor_resolves():
    broken = []
    for page in PAGES:
        for target in links(page):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(resolved):
                broken.append(f"{os.path.relpath(page, ROOT)}: {target}")
            elif anchor and resolved.endswith(".md") and anchor not in slugs(resolved):
                broken.append(f"{os.path.relpath(page, ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def commands():
    """Each command path of the CLI reference with the options its help lists."""
    result = {}
    for block in re.split(r"^## ", open(os.path.join(ROOT, "docs", "reference", "cli.md")).read(), flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        result[tuple(name.split()[1:])] = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w.-]*)", body))
    return result


def code_lines(page):
    """Lines of a page's shell blocks (```sh, ```bash, ```console, or plain ones), continuations joined."""
    lines, language, pending = [], None, ""
    for line in open(page):
        if line.startswith("```"):
            language = None if language is not None else (line[3:].strip() or "plain")
            continue
        if language not in ("sh", "bash", "console", "shell", "plain"):
            continue
        line = pending + line.rstrip("\n")
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        lines.append(line)
    return lines


def key_paths():
    """Every key path of both tables, `*` standing for any one element."""
    return re.findall(r"^\| `([^`]+)` \|", generated("configuration"), re.M)


def config_keys():
    """The key paths as patterns matching exactly one key."""
    return [re.compile("^" + re.escape(k).replace(r"\*", r"[^.]+") + "$") for k in key_paths()]


def names_a_key(name, paths):
    """A key, a section holding keys, or with `*` standing for one or more elements."""
    pattern = re.compile("^" + re.escape(name.lower()).replace(r"\*", r"[^.]+(\.[^.]+)*") + r"(\..+)?$")
    return any(pattern.match(path) for path in paths)


def charter_invocations(line):
    """The argument lists of the `charter` commands a shell line runs."""
    # a binary named by a path or a command substitution is still charter
    line = re.sub(r'"\$\([^)]*\)/charter"', "charter", line)
    for command in re.split(r"\|\||&&|[|;&]|\$\(|`", line):
        command = command.split(" #")[0].strip()
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        while words and (re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]) or words[0] in ("sudo", "exec", "time", "$")):
            words = words[1:]
        if words and (words[0] == "charter" or re.search(r"(^|/)(bin|\.build[^/]*/.*)/charter$", words[0])):
            yield words[1:]


def test_every_charter_command_line_uses_flags_its_command_has():
    known = commands()
    keys = config_keys()
    problems = []
    for page in PAGES:
        for line in code_lines(page):
            for words in charter_invocations(line):
                path = ()
                for word in words:
                    if path + (word,) in known:
                        path += (word,)
                    else:
                        break
                if path == ():
                    if words and re.match(r"^[a-z]", words[0]):
                        problems.append(f"{os.path.relpath(page, ROOT)}: charter {words[0]}: no such command")
                    continue
                for word in words[len(path):]:
                    if word == "--":
                        break
                    if not word.startswith("-") or word == "-":
                        continue
                    flag = word.split("=")[0]
                    # server init/start also take any configuration key as --<key>
                    if path[:1] == ("server",) and any(k.match(flag[2:].lower()) for k in keys):
                        continue
                    if flag not in known[path]:
                        problems.append(f"{os.path.relpath(page, ROOT)}: charter {' '.join(path)} has no {flag}")
    assert not problems, "\n".join(sorted(set(problems)))


# Named on purpose: the misspelling that README's configuration page shows being refused.
NOT_KEYS = {"tls.enable"}
SECTIONS = {"tls", "ca", "crl", "registry", "db", "ldap", "csr", "cfg", "operations", "bccsp", "idemix", "signing",
            "intermediate", "log", "connections", "compatibility", "metrics", "cors", "enrollment", "gateways"}


def test_every_configuration_key_a_page_names_exists():
    paths = key_paths()
    unknown = []
    for page in PAGES:
        if page.endswith(os.path.join("reference", "configuration.md")):
            continue
        text = open(page).read()
        for name in re.findall(r"`([a-z][a-z0-9_]*(?:\.[a-z0-9_*]+)+)`", text, re.I):
            if (name.split(".")[0].lower() not in SECTIONS or "{" in name or name in NOT_KEYS
                    or re.search(r"\.(crt|pem|key|yaml|db|md|json)$", name)):
                continue
            if not names_a_key(name, paths):
                unknown.append(f"{os.path.relpath(page, ROOT)}: {name}")
    assert not unknown, "\n".join(sorted(set(unknown)))


def runnable_blocks():
    for page in PAGES:
        text = open(page).read()
        for block in re.findall(r"<!-- runnable -->\n```sh\n(.*?)```", text, re.S):
            yield os.path.relpath(page, ROOT), block


@pytest.mark.parametrize("page,block", list(runnable_blocks()))
def test_runnable_blocks_run(page, block, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(BINARY, bin_dir / "charter")
    script = block.replace("7054", str(port))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert result.returncode == 0, f"{page}: {result.stdout[-2000:]}\n{result.stderr[-2000:]}"
