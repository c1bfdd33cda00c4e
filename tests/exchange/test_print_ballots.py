"""print-ballots: a card per participant, or blank numbered cards for a secret ballot."""

from __future__ import annotations


def test_named_and_secret_cards(cli, nhs_id, tmp_path):
    out = tmp_path / "cards.html"
    assert cli("print-ballots", nhs_id, "--round", "r3", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count('class="card"') == 12 and "Chloé Martin" in text and "–5" in text
    assert cli("print-ballots", nhs_id, "--round", "r4", "-o", str(out), "--cards", "15").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count('class="card"') == 15 and "Card <b>15</b>" in text and "Chloé" not in text
    assert cli("print-ballots", nhs_id, "--round", "r2", "-o", str(out)).exit_code == 0
    assert "Tick up to 5 boxes" in out.read_text(encoding="utf-8")
    assert cli("print-ballots", nhs_id, "--round", "nope", "-o", str(out)).exit_code == 2
