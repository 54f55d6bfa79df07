"""No secret in the repository: no private keys, no service tokens, no hard-coded
SECRET_KEY or password in the configuration beyond placeholders that say what they are.

The scanner reads what ``git ls-files`` would commit (tracked files and new ones not
ignored), or walks the tree when this is not a git checkout. Its rules are unit-tested
below with real-looking keys, built at run time so this file never holds one.
"""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".git", ".venv", "var", "__pycache__", "node_modules", "test-artifacts", "build"}
SKIPPED_SUFFIXES = {".pyc", ".png", ".jpg", ".gif", ".ico", ".woff", ".woff2", ".gz", ".zip"}
MAX_BYTES = 2_000_000

TOKEN_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(
        r"(?i)aws_?secret_?access_?key\W{0,4}[:=]\W{0,4}[A-Za-z0-9/+]{40}\b"
    ),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Slack webhook": re.compile(r"hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/\w+"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe secret key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
}

# Configuration files, where a secret could be written down as a value.
CONFIG_NAMES = re.compile(
    r"(^|/)(settings\.py|[^/]*compose[^/]*\.ya?ml|\.env[^/]*|Dockerfile[^/]*|Makefile|"
    r"[^/]*\.(sh|ini|cfg|toml|conf|conf\.py)|\.ci/[^/]+)$"
)
ASSIGNMENT = re.compile(
    r"""(?ix)^\s*(?:export\s+|ENV\s+|ARG\s+|RUN\s+(?:\S+=\S+\s+)*|-\s+)?
    (?P<name>[A-Z_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY)[A-Z_]*)
    \s*[:=]\s*(?P<value>[rbf]?"[^"]*"|[rbf]?'[^']*'|[^\s\#]*)"""
)
# Values that are visibly not secrets: they name themselves as such.
PLACEHOLDER_WORDS = ("change", "example", "placeholder", "dummy", "insecure", "only", "not-a")
# Defaults that are fine where they are, and why.
KNOWN_DEFAULTS = {
    # docker-compose.yml: PostgreSQL's password on the compose network only (the db service
    # publishes no port; test_the_compose_databases_are_not_published checks that).
    ("POSTGRES_PASSWORD", "archive"),
    # The replication role's, alike: db and db-replica talk on the compose network only.
    ("POSTGRES_REPLICATION_PASSWORD", "replicator"),
}


def repository_files(root: Path = ROOT) -> list[str]:
    """Paths (relative, with "/") of what a commit would hold."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        )
        paths = [p for p in done.stdout.decode().split("\0") if p]
        if paths:
            return paths
    except (OSError, subprocess.SubprocessError):
        pass
    return [
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
    ]


def _literal(value: str, *, python: bool) -> str | None:
    """The secret a configuration value writes down, or None when it writes none.
    In Python only a string literal is one (not a call, a list or a name)."""
    value = value.strip().rstrip(",;")
    if value.startswith("${"):  # ${NAME} or ${NAME:-default}: only the default is literal
        default = re.fullmatch(r"\$\{\w+(?::?-([^}]*))?\}", value)
        return default.group(1) if default and default.group(1) else None
    quoted = re.fullmatch(r"""[rbf]?(['"])(.*)\1""", value)
    if quoted:
        value = quoted.group(2)
    if value.startswith("$"):  # a shell or compose variable
        return None
    if quoted:
        return value
    return None if python else value


def _placeholder(name: str, value: str) -> bool:
    lowered = value.lower()
    return (
        not value
        or any(word in lowered for word in PLACEHOLDER_WORDS)
        or (name.upper(), value) in KNOWN_DEFAULTS
    )


def findings(path: str, text: str) -> list[str]:
    """What in the file at ``path`` (its ``text``) looks like a committed secret."""
    found = [f"{path}: {kind}" for kind, pattern in TOKEN_PATTERNS.items() if pattern.search(text)]
    if CONFIG_NAMES.search(path):
        for number, line in enumerate(text.splitlines(), 1):
            match = ASSIGNMENT.match(line)
            if not match:
                continue
            value = _literal(match["value"], python=path.endswith(".py"))
            if value is not None and not _placeholder(match["name"], value):
                found.append(f"{path}:{number}: {match['name']} has a literal value")
    return found


def _text(path: Path) -> str | None:
    if path.suffix in SKIPPED_SUFFIXES or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return None
    return path.read_bytes().decode("utf-8", errors="replace")


def scan(root: Path) -> list[str]:
    """Every finding in the files a commit of ``root`` would hold."""
    problems = []
    for relative in repository_files(root):
        text = _text(root / relative)
        if text is not None:
            problems += findings(relative, text)
    return problems


def test_no_secret_is_committed():
    paths = repository_files()
    assert "config/settings.py" in paths and "tests/config/test_secrets.py" in paths
    assert scan(ROOT) == []


def test_a_tree_with_a_committed_key_fails_the_scan(tmp_path):
    (tmp_path / "config").mkdir()
    settings = tmp_path / "config" / "settings.py"
    settings.write_text(_fake("SECRET_KEY = 'q8v2x", "lz9kd0s4mwe7p1'\n"))
    (tmp_path / "deploy_key").write_text(_fake("-----BEGIN ", "EC PRIVATE KEY-----\n"))

    assert sorted(scan(tmp_path)) == [
        "config/settings.py:1: SECRET_KEY has a literal value",
        "deploy_key: private key",
    ]


def test_the_compose_databases_are_not_published():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "ports" not in compose["services"]["db"]
    assert "ports" not in compose["services"]["db-replica"]


def test_git_ignores_local_secrets():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert {".env", "var/"} <= set(ignored)  # var/ holds the development key


# The scanner itself: real-looking keys are found, the project's placeholders are not.


def _fake(*parts: str) -> str:
    return "".join(parts)


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("deploy/id_rsa", _fake("-----BEGIN ", "RSA PRIVATE KEY-----\nMIIE"), "private key"),
        ("k.pem", _fake("-----BEGIN ", "OPENSSH PRIVATE KEY-----"), "private key"),
        ("notes.md", _fake("key AKIA", "Z7Q4M2XW5R3T6Y8P in the docs"), "AWS access key id"),
        (
            "s.py",
            _fake("aws_secret_access_key = '", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY'"),
            "AWS secret access key",
        ),
        ("ci.yml", _fake("token: ghp_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"), "GitHub token"),
        ("a.txt", _fake("xoxb-", "1234567890-abcdefghijkl"), "Slack token"),
        (
            "hook.txt",
            _fake("https://hooks.slack.com/", "services/T0001/B0002/Xyz123abc"),
            "Slack webhook",
        ),
        ("maps.js", _fake("AIza", "SyD-1234567890abcdefghijklmnopqrstu"), "Google API key"),
    ],
)
def test_the_scanner_finds_service_keys(path, text, kind):
    assert findings(path, text) == [f"{path}: {kind}"]


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("config/settings.py", _fake("SECRET_KEY = 'dj", "ango-insecure-abc'")),  # only "insecure"…
        ("config/settings.py", _fake('SECRET_KEY = "q8#v!', 'x2@lz9kd0s4mwe7"')),
        ("config/settings.py", _fake("DATABASE_PASSWORD = 'hunter", "2hunter2'")),
        (".env.example", _fake("SECRET_KEY=q8v2x", "lz9kd0s4mwe7p1")),
        ("docker-compose.yml", _fake("      POSTGRES_PASSWORD: s3cr", "et-pass")),
        ("docker-compose.yml", _fake("      SECRET_KEY: ${SECRET_KEY:-q8v2x", "lz9kd0s4}")),
        ("Dockerfile", _fake("ENV SECRET_KEY=q8v2x", "lz9kd0s4mwe7p1")),
        ("docker/run.sh", _fake("export API_TOKEN=a1b2", "c3d4e5")),
    ],
)
def test_the_scanner_finds_literal_secrets_in_configuration(path, line):
    found = findings(path, line + "\n")
    if "insecure" in line:
        assert found == []  # Django's "django-insecure-" prefix names itself a placeholder
    else:
        assert len(found) == 1 and "has a literal value" in found[0]


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("config/settings.py", "SECRET_KEY = _secret_key()"),
        ("config/settings.py", 'key = env_str("SECRET_KEY")'),
        (".env.example", "# SECRET_KEY=                 # empty under compose"),
        (".env.example", "SECRET_KEY="),
        ("docker-compose.yml", "      SECRET_KEY: ${SECRET_KEY:-}"),
        ("docker-compose.yml", "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-archive}"),
        ("Dockerfile", "RUN DEBUG=0 SECRET_KEY=collectstatic-build-step-only python manage.py"),
        ("docker/entrypoint.sh", 'export SECRET_KEY_FILE="$key_file"'),
        ("tests/test_x.py", "password = 'hunter2hunter2'"),  # tests are not configuration
    ],
)
def test_the_scanner_accepts_placeholders_and_references(path, line):
    assert findings(path, line + "\n") == []


def test_the_file_list_falls_back_to_walking_the_tree(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.py").write_text("DEBUG = True\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text("")

    assert repository_files(tmp_path) == ["config/settings.py"]
