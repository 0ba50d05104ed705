"""The opt-out file: survives restarts, holds no phone numbers."""
from hospital_faq.channels.twilio.opt_outs import OptOuts

NUMBER = "+12025550123"


def test_an_opt_out_is_kept_across_instances_until_withdrawn(tmp_path):
    path = tmp_path / "state" / "opt_outs.sqlite3"
    first = OptOuts(path)
    key = first.key(NUMBER)
    assert not first.is_opted_out(key)
    assert first.opt_out(key) is True
    assert first.opt_out(key) is False  # already recorded
    again = OptOuts(path)  # as after a restart
    assert again.key(NUMBER) == key and again.is_opted_out(key)
    assert again.opt_in(key) is True and not OptOuts(path).is_opted_out(key)


def test_sms_and_whatsapp_addresses_are_separate(tmp_path):
    opt_outs = OptOuts(tmp_path / "o.sqlite3")
    opt_outs.opt_out(opt_outs.key(NUMBER))
    assert not opt_outs.is_opted_out(opt_outs.key("whatsapp:" + NUMBER))


def test_the_file_holds_no_phone_number(tmp_path):
    path = tmp_path / "o.sqlite3"
    opt_outs = OptOuts(path)
    opt_outs.opt_out(opt_outs.key(NUMBER))
    content = path.read_bytes()
    for form in (NUMBER, NUMBER[1:], NUMBER[2:], "5550123"):
        assert form.encode() not in content


def test_each_file_has_its_own_salt(tmp_path):
    assert OptOuts(tmp_path / "a.sqlite3").key(NUMBER) != OptOuts(tmp_path / "b.sqlite3").key(NUMBER)
