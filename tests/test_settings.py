"""Settings: defaults, a round trip, and tolerance of damaged or odd files."""

from __future__ import annotations

import json

import pytest

from lazyland import saves
from lazyland.settings import SETTINGS_NAME, Settings, load_settings, save_settings


def test_defaults_when_there_is_no_file(tmp_path):
    notices: list[str] = []
    assert load_settings(tmp_path, notices) == Settings(theme=None, animation=True, reveal_speed=80)
    assert notices == []


def test_round_trip(tmp_path):
    settings = Settings(theme="dracula", animation=False, reveal_speed=200)
    assert save_settings(settings, tmp_path / "new" / "folder") is None
    assert load_settings(tmp_path / "new" / "folder") == settings


def test_file_is_json_with_a_format_number(tmp_path):
    save_settings(Settings(theme="nord"), tmp_path)
    data = json.loads((tmp_path / SETTINGS_NAME).read_text())
    assert data == {"format": 1, "theme": "nord", "animation": True, "reveal_speed": 80}


def test_default_folder_follows_xdg_config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert save_settings(Settings(reveal_speed=40)) is None
    assert (tmp_path / "lazyland" / SETTINGS_NAME).is_file()
    assert load_settings().reveal_speed == 40


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b"\xff\xfe", b"null", b"[" * 50_000])
def test_damaged_file_gives_defaults_and_is_set_aside(tmp_path, content):
    (tmp_path / SETTINGS_NAME).write_bytes(content)
    notices: list[str] = []
    assert load_settings(tmp_path, notices) == Settings()
    assert len(notices) == 1 and "damaged" in notices[0]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.corrupt-")]
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert not (tmp_path / SETTINGS_NAME).exists()


def test_wrong_values_fall_back_one_by_one(tmp_path):
    data = {"theme": 12, "animation": "no", "reveal_speed": 100, "extra": [1, 2]}
    (tmp_path / SETTINGS_NAME).write_text(json.dumps(data))
    assert load_settings(tmp_path) == Settings(theme=None, animation=True, reveal_speed=100)


@pytest.mark.parametrize("speed", [0, -5, 10**9, 1.5, True, "80"])
def test_unreasonable_reveal_speed_falls_back(tmp_path, speed):
    (tmp_path / SETTINGS_NAME).write_text(json.dumps({"reveal_speed": speed, "animation": False}))
    assert load_settings(tmp_path) == Settings(animation=False)


def test_unreadable_file_gives_defaults(tmp_path):
    (tmp_path / SETTINGS_NAME).mkdir()
    notices: list[str] = []
    assert load_settings(tmp_path, notices) == Settings()
    assert notices == ["Your settings could not be read; the defaults are used."]


def test_unwritable_folder_gives_a_notice_not_an_error(tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    notice = save_settings(Settings(), blocker)
    assert notice is not None and notice.startswith("Settings were not saved: ")
    assert blocker.read_text() == "a file where the folder should be"


def test_failed_write_keeps_the_old_settings(tmp_path, monkeypatch):
    save_settings(Settings(theme="nord"), tmp_path)

    def refuse(*args):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(saves.os, "replace", refuse)
    assert "Read-only file system" in (save_settings(Settings(theme="x"), tmp_path) or "")
    monkeypatch.undo()
    assert load_settings(tmp_path).theme == "nord"
    assert [p.name for p in tmp_path.iterdir()] == [SETTINGS_NAME]
