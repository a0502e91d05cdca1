"""The symptom form offers a tick box for every sign the patient file takes (issue 11, fifth
probe): the signs added for a blocked vein in the chest, a blocked bowel and a high blood
sugar had words but no box, so a person using the form could not tick them."""

from __future__ import annotations

import re

from nextline.record import patient_file_data
from nextline.record.file_models import SIGNS
from nextline.web.vocab import SIGN_CHOICES
from tests.web.conftest import csrf

TRIPLE = "triple-negative-brca"


def test_every_sign_of_the_patient_file_has_one_tick_box_in_plain_words() -> None:
    assert [sign for sign, _ in SIGN_CHOICES] == list(SIGNS)
    assert all(words and "_" not in words for _, words in SIGN_CHOICES)


def test_the_form_shows_the_new_boxes_and_a_tick_raises_the_flag(app, client) -> None:
    form = client.get(f"/people/{TRIPLE}/add/symptoms").text
    boxes = set(re.findall(r'name="signs" value="([a-z_]+)"', form))
    assert {"face_or_neck_swelling", "no_wind_or_stool", "swollen_belly"} <= boxes
    assert "high_sugar_reading" in boxes
    body = {
        "csrf_token": [csrf(client)],
        "date": ["2025-05-30"],
        "signs": ["face_or_neck_swelling", "breathlessness"],
    }
    response = client.post(f"/people/{TRIPLE}/add/symptoms", data=body, follow_redirects=False)
    assert response.status_code == 303
    stored = patient_file_data(app.state.web.store.get(TRIPLE))["symptoms"][-1]
    assert stored["signs"] == ["face_or_neck_swelling", "breathlessness"]
    page = client.get(response.headers["location"]).text
    assert 'data-kind="possible_superior_vena_cava_obstruction"' in page
