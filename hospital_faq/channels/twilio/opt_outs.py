"""Who has texted STOP: a small SQLite file that survives restarts.

Conversations are health information, so the file holds no phone numbers: each
address ("+15550100123", "whatsapp:+15550100123") is stored as a salted scrypt
hash. The salt is made when the file is created and kept in it; scrypt makes
trying every possible phone number against a copied file slow (about 60 ms a
number), and the file is still best kept private (its directory is made 0700).
"""
import hashlib
import os
import secrets
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from hospital_faq.paths import PROJECT_ROOT

DEFAULT_PATH = PROJECT_ROOT / "var" / "opt_outs.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS opt_outs (address_hash TEXT PRIMARY KEY, since TEXT NOT NULL);
"""


class OptOuts:
    def __init__(self, path: Path = DEFAULT_PATH):
        self.path = Path(path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(16),))
            self._salt = bytes.fromhex(db.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()[0])

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def key(self, address: str) -> str:
        """The hash that stands for this address, here and as the conversation id."""
        digest = hashlib.scrypt(address.strip().encode("utf-8"), salt=self._salt, n=2**14, r=8, p=1, dklen=32)
        return digest.hex()

    def is_opted_out(self, key: str) -> bool:
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM opt_outs WHERE address_hash = ?", (key,)).fetchone() is not None

    def opt_out(self, key: str) -> bool:
        """Records the opt-out; False when it was already recorded."""
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with closing(self._connect()) as db, db:
            return db.execute("INSERT OR IGNORE INTO opt_outs VALUES (?, ?)", (key, since)).rowcount == 1

    def opt_in(self, key: str) -> bool:
        """Removes the opt-out; False when there was none."""
        with closing(self._connect()) as db, db:
            return db.execute("DELETE FROM opt_outs WHERE address_hash = ?", (key,)).rowcount == 1


def path_from_environment() -> Path:
    return Path(os.environ.get("TWILIO_OPT_OUTS_DB") or DEFAULT_PATH)
