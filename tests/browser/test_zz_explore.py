import pytest
from .portal_support import configure, demo_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_explore(settings, tmp_path, page, live_server):
    configure(settings, tmp_path)
    demo_org()
    page.goto(f"{live_server.url}/report/")
    seen = []
    for _ in range(45):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => { const e = document.activeElement; return [e.tagName, e.id, e.name, e.type, (e.innerText||'').slice(0,20)].join('|') }"))
    print("\n".join(seen))
