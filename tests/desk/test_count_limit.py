"""Past COUNT_LIMIT the queues and the staff home say "more than" instead of counting every case
of a big commune on each page; the pages still go on, in the same order, to the last case."""

import re

from app.complaints import services as complaint_services
from tests.complaints import helpers


def _references(page: str) -> list[str]:
    return re.findall(r"C-\d{4}-\d{6}", page)


def test_a_queue_past_the_count_limit_says_more_than_and_pages_on(app, client, demo, monkeypatch):
    for _ in range(5):
        helpers.file(app)
    monkeypatch.setitem(app.config, "COUNT_LIMIT", 3)
    monkeypatch.setattr(complaint_services, "QUEUE_PER_PAGE", 2)
    client.signin("clerk@demo.ma")
    page = client.get("/desk/complaints").get_data(as_text=True)
    assert "More than 3 complaints" in page and ">Page 1<" in page and "Page 1 of" not in page
    arabic = client.get("/desk/complaints", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "أكثر من 3" in arabic and ">الصفحة 1<" in arabic
    seen = _references(page)
    while (following := re.search(r'href="([^"]+)" rel="next"', page)) is not None:
        page = client.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)
        seen += _references(page)
    assert len(seen) == len(set(seen)) == 5  # every complaint once, none skipped
    assert "5 complaints" in page and "Page 3 of 3" in page  # the last page counts as far as its end


def test_the_staff_home_says_more_than_past_the_count_limit(app, client, demo, monkeypatch):
    for _ in range(4):
        helpers.file(app)
    client.signin("clerk@demo.ma")
    assert "4 complaints to acknowledge" in client.get("/").get_data(as_text=True)
    monkeypatch.setitem(app.config, "COUNT_LIMIT", 3)
    home = client.get("/").get_data(as_text=True)
    assert "More than 3 complaints to acknowledge" in home and "4 complaints" not in home
    french = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Plus de 3 réclamations en attente d’accusé de réception" in french
