"""The content designer's accounts, sessions and sign-in locks (accounts.py), and roles as data (roles.py)."""
import pytest

from hospital_faq.content.designer import accounts, roles
from hospital_faq.content.designer.accounts import AccountError, AccountStore

PASSWORD = "four words make a password"


@pytest.fixture
def store(tmp_path):
    made = AccountStore(f"sqlite:///{tmp_path / 'var' / 'designer.db'}")
    made.add("erin", "editor", PASSWORD, "Erin Editor, RN")
    return made


def test_passwords_are_kept_only_as_slow_salted_hashes(store, tmp_path):
    stored = (tmp_path / "var" / "designer.db").read_bytes()
    assert PASSWORD.encode() not in stored
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$32768$8$1$")  # salted; the parameters kept with it
    assert accounts.password_matches(PASSWORD, first) and not accounts.password_matches(PASSWORD + "!", first)
    assert not accounts.password_matches(PASSWORD, "md5$abc")
    assert oct((tmp_path / "var").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "var" / "designer.db").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("password, problem", [
    ("short", "at least 12 characters"), ("erin-is-my-password", "must not contain the account name"),
    ("aaaaaaaaaaaaaaaa", "too easy to guess")])
def test_weak_passwords_bad_names_and_unknown_roles_are_refused(store, password, problem):
    with pytest.raises(AccountError, match=problem):
        store.add("erin2" if "erin" not in password else "erin", "editor", password)
    with pytest.raises(AccountError, match="There is already an account"):
        store.add("Erin", "editor", PASSWORD)
    with pytest.raises(AccountError, match="2-40 lowercase letters"):
        store.add("e rin!", "editor", PASSWORD)
    with pytest.raises(AccountError, match="There is no role 'owner'"):
        store.add("owen", "owner", PASSWORD)


def test_signing_in_with_the_right_password_and_not_with_a_wrong_one(store):
    assert store.sign_in("erin", PASSWORD, "10.0.0.1").account.role == "editor"
    assert store.sign_in(" ERIN ", PASSWORD, "10.0.0.1").account.name == "erin"
    wrong = store.sign_in("erin", "not the password", "10.0.0.1")
    unknown = store.sign_in("nobody", "not the password", "10.0.0.1")
    assert wrong.account is None and wrong.message == unknown.message  # no hint which names exist


def test_wrong_passwords_slow_down_then_lock_and_an_admin_unlocks(store):
    now = 1_000_000.0
    for attempt in range(accounts.FREE_TRIES - 1):
        assert store.sign_in("erin", f"wrong {attempt}", "10.0.0.1", now=now).retry_after == 0
    locked = store.sign_in("erin", "wrong again", "10.0.0.1", now=now)
    assert locked.retry_after == accounts.FIRST_LOCK_SECONDS and "Too many wrong passwords" in locked.message
    # While locked even the right password gets nowhere, and no password is checked.
    assert store.sign_in("erin", PASSWORD, "10.0.0.1", now=now + 10).account is None
    assert store.failures_of("erin") == accounts.FREE_TRIES
    # Each further wrong password after the lock doubles it, up to an hour.
    waits = []
    for _ in range(10):
        now += store.locked_for("erin", now=now) + 1
        waits.append(store.sign_in("erin", "wrong", "10.0.0.1", now=now).retry_after)
    assert waits[:3] == [60, 120, 240] and waits[-1] == accounts.LONGEST_LOCK_SECONDS
    store.unlock("erin")
    assert store.sign_in("erin", PASSWORD, "10.0.0.1", now=now).account is not None


def test_many_names_tried_from_one_address_lock_that_address(store):
    now = 2_000_000.0
    for number in range(accounts.ADDRESS_FREE_TRIES):
        store.sign_in(f"name{number}", "guess", "10.9.9.9", now=now)
    assert store.locked_for("erin", "10.9.9.9", now=now) > 0
    assert store.sign_in("erin", PASSWORD, "10.0.0.2", now=now).account is not None  # other addresses are fine


def test_sessions_end_when_idle_too_long_too_old_signed_out_or_disabled(store):
    erin = store.get("erin")
    now = 3_000_000.0
    token = store.start_session(erin, now=now)
    session = store.session(token, now=now + 60)
    assert session.account.name == "erin" and len(session.csrf_token) > 30
    assert store.session(token + "x", now=now) is None and store.session(None) is None
    assert store.session(token, now=now + accounts.SESSION_IDLE_SECONDS + 200) is None
    kept_alive = store.start_session(erin, now=now)
    for minutes in range(0, accounts.SESSION_MAX_SECONDS // 60, 60):
        assert store.session(kept_alive, now=now + minutes * 60)
    assert store.session(kept_alive, now=now + accounts.SESSION_MAX_SECONDS + 1) is None
    signed_out = store.start_session(erin)
    store.end_session(signed_out)
    assert store.session(signed_out) is None
    disabled = store.start_session(erin)
    store.set_disabled("erin", True)
    assert store.session(disabled) is None
    assert store.sign_in("erin", PASSWORD).message == "This account is disabled. Ask an admin to enable it."
    store.set_disabled("erin", False)
    changed = store.start_session(erin)
    store.set_password("erin", "another four word password")
    assert store.session(changed) is None  # a new password signs out everywhere


def test_roles_are_data_and_a_page_shows_only_to_the_roles_that_may_open_it(monkeypatch):
    assert roles.can("reviewer", "approve") and not roles.can("editor", "approve") and not roles.can("admin", "approve")
    assert roles.can("admin", "accounts") and not roles.can("editor", "accounts") and not roles.can(None, "view")
    assert roles.can("admin", "publish_anyway") and not roles.can("editor", "publish_anyway")
    assert [p.path for p in roles.pages_for("editor")] == ["/topics", "/review", "/inbox", "/training", "/spreadsheets"]
    # A role and a page of their own are one entry each (a scheduler who sees only call-backs).
    monkeypatch.setitem(roles.PERMISSIONS, "callbacks", "see and mark call-back requests")
    monkeypatch.setitem(roles.ROLES, "scheduler", roles.Role("scheduler", "Scheduler", "calls people back",
                                                             frozenset({"callbacks"})))
    monkeypatch.setattr(roles, "PAGES", [*roles.PAGES, roles.Page("/callbacks", "Call-backs", "callbacks")])
    assert [p.path for p in roles.pages_for("scheduler")] == ["/callbacks"]
    assert roles.home_for("scheduler") == "/callbacks" and not roles.can("scheduler", "view")
