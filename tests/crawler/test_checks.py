"""Each rule of the crawl bites: it fails a crafted bad screen and passes the good one."""

from __future__ import annotations

from typing import Any

import pytest

from bot.demo.catalogue import load_catalogue
from tests.crawler import checks
from tests.crawler.language import (
    entries,
    foreign_fragments,
    fragments,
    not_understood,
    stale_button,
)
from tests.crawler.screens import Action, Screen, Shown, shown_by
from tests.crawler.typography import faults, faulty_in
from tests.fakes.bot_api import ApiCall

NNBSP, NBSP = "\u202f", "\u00a0"
MENU = [[{"text": "🏠 Menu", "callback_data": "menu:home"}]]


def message(text: str, keyboard: Any = (), method: str = "sendMessage") -> Shown:
    return Shown(method, 7, text, text, list(keyboard), caption=method == "sendPhoto")


def screen(*messages: Shown, locale: str = "fr", **fields: Any) -> Screen:
    fields.setdefault("left_with", messages[-1] if messages else None)
    return Screen("/start", fields.pop("path", ()), list(messages), locale=locale, **fields)


def test_dead_end_is_a_last_message_without_buttons_where_typing_is_not_expected() -> None:
    assert checks.dead_end(screen(message("C'est fait.")), "fr")
    assert not checks.dead_end(screen(message("C'est fait.", MENU)), "fr")
    assert not checks.dead_end(screen(message("Votre titre ?"), input_mode="wizard:3"), "fr")
    # A message followed by one with buttons, in the same reaction, leaves a way on.
    assert not checks.dead_end(screen(message("Merci !"), message("Et ensuite ?", MENU)), "fr")
    assert checks.dead_end(screen(message("Et ensuite ?", MENU), message("Merci !")), "fr")
    assert checks.dead_end(screen(), "fr") == ["no answer at all"]
    # The stale button's answer as the bot spells it (typographic apostrophe) or plainly.
    for stale in (
        "Ce bouton n’est plus valable. Tapez /start pour retrouver le menu.",
        "Ce bouton n'est plus valable. Tapez /start pour retrouver le menu.",
        "N'eo ket mat an afell-mañ ken. Skrivit /start evit adkavout al lañser.",
    ):
        assert checks.dead_end(screen(alert=stale, left_with=message("Page", MENU)), "fr")
    assert not checks.dead_end(screen(alert="Ajouté", left_with=message("Page", MENU)), "fr")


def test_the_generic_not_understood_is_known_in_both_languages() -> None:
    french, breton = not_understood()
    assert french.startswith("Je n'ai pas compris")
    assert breton.startswith("N'em eus ket")


def test_the_stale_button_answer_is_known_in_both_languages() -> None:
    french, breton = stale_button()
    assert french.startswith("Ce bouton n'est plus valable")
    assert breton.startswith("N'eo ket mat")


@pytest.mark.parametrize("answer", [f"{said}\n\nTapez un mot." for said in not_understood()])
def test_not_understood_only_counts_after_typing_where_invited(answer: str) -> None:
    typed = [Action("send", "Bonjour")]
    assert checks.not_understood_after_typing(
        screen(message(answer), path=typed, typed_at_prompt=True), "fr"
    )
    assert not checks.not_understood_after_typing(screen(message(answer), path=typed), "fr")
    explained = "Je n'ai pas compris ce montant. Tapez par exemple 15 ou 12,50."
    assert not checks.not_understood_after_typing(
        screen(message(explained), path=typed, typed_at_prompt=True), "fr"
    )


def test_visible_html_in_texts_and_labels_but_not_in_what_was_typed() -> None:
    call = ApiCall("sendMessage", {"chat_id": 1, "text": "Prix &amp;lt;b&amp;gt; 5 €",
                                   "parse_mode": "HTML"}, True, None, 0.0)  # fmt: skip
    shown = shown_by(call)
    assert shown is not None
    assert shown.text == "Prix &lt;b&gt; 5 €"
    assert checks.visible_html(screen(shown), "fr")
    assert checks.visible_html(screen(message("Ok", [[{"text": "<b>Oui</b>"}]])), "fr")
    assert not checks.visible_html(screen(message("Prix : 5 € & plus, 3 < 4", MENU)), "fr")
    echoed = screen(message("Titre : <i>Tom</i>"), path=(Action("send", "<i>Tom</i>"),))
    assert not checks.visible_html(echoed, "fr")


def test_french_punctuation_rules() -> None:
    assert faults("Objectif : 10 €")
    assert faults("Bienvenue !")
    assert faults("« titre »")
    assert len(faults("Quoi ? Comment ; pourquoi !")) == 3
    good = f"Objectif{NBSP}: 10 € — Bienvenue{NNBSP}! «{NNBSP}titre{NNBSP}» Quoi{NNBSP}?!"
    assert faults(good) == []
    assert faults("Rendez-vous à 12:30, https://t.me/kengo_bot?start=p1 ou tg://resolve") == []


def test_punctuation_blames_the_bots_texts_not_demo_content(monkeypatch: Any) -> None:
    faulty = faulty_in(["Bienvenue {name} !", "Objectif : {goal}", "{label} : {value}"])
    monkeypatch.setattr(checks, "faulty_messages", lambda: faulty)
    assert checks.punctuation(screen(message("Bienvenue Anna !")), "fr")
    assert checks.punctuation(screen(message("Objectif : 5 000 €")), "fr")
    assert checks.punctuation(screen(message("Lieu : Quimper")), "fr")
    assert not checks.punctuation(screen(message(f"Bienvenue Anna{NNBSP}!")), "fr")
    assert not checks.punctuation(screen(message("Bienvenue Anna !")), "br")
    title = next(p.title for p in load_catalogue().projects if " : " in p.title)
    assert not checks.punctuation(screen(message(f"📂 {title}")), "fr")


def test_limits_of_telegram() -> None:
    assert checks.limits(screen(message("x" * 4097, MENU)), "fr")
    assert checks.limits(screen(message("x" * 1025, MENU, method="sendPhoto")), "fr")
    assert not checks.limits(screen(message("x" * 1024, MENU, method="sendPhoto")), "fr")
    assert not checks.limits(screen(message("😀" * 2048, MENU)), "fr")
    assert checks.limits(screen(message("😀" * 2049, MENU)), "fr")  # UTF-16 units
    assert checks.limits(screen(message("Ok", [[{"text": "A", "callback_data": "é" * 33}]])), "fr")
    many = [[{"text": str(i), "callback_data": str(i)}] for i in range(101)]
    assert checks.limits(screen(message("Ok", many)), "fr")
    assert checks.limits(screen(message("Ok", [[{"text": "Payer", "url": "javascript:x"}]])), "fr")
    assert checks.limits(screen(message("Ok", [[{"text": " ", "callback_data": "a"}]])), "fr")
    refused = ApiCall("sendMessage", {}, False, "Bad Request: message is too long", 0.0, 400)
    assert checks.limits(screen(refused=[refused]), "fr")
    assert not checks.limits(screen(message("Ok", MENU)), "fr")


def test_a_language_shown_to_the_other_is_caught_demo_content_is_not() -> None:
    french_only, breton_only = foreign_fragments("br"), foreign_fragments("fr")
    entry = next(
        e for e in entries()
        if e.breton[0] and any(french_only.fullmatch(f) for f in fragments(e.french[0]))
    )  # fmt: skip
    assert checks.language(screen(message(entry.french[0]), locale="br"), "br")
    assert not checks.language(screen(message(entry.french[0]), locale="fr"), "fr")
    assert checks.language(screen(message(entry.breton[0]), locale="fr"), "fr")
    assert not checks.language(screen(message(entry.breton[0]), locale="br"), "br")
    assert breton_only.search(entry.breton[0].replace("\u202f", " ").replace("\u00a0", " "))
    demo = load_catalogue().projects[0]
    shown = message(f"{demo.title}\n{demo.summary}\n{demo.description.split(chr(10))[0]}")
    assert not checks.language(screen(shown, locale="br"), "br")
