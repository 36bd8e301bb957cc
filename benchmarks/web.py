"""Benchmark rows of the web app (``make bench``): a warm waitress server on loopback, real HTTP requests.

Form page render, preview (the page and the contract document it shows), generate (DOCX + PDF + the
annexes, recorded in the register) one request at a time, and ``clients`` generate requests at once
(median and 95th percentile of their latencies). The app runs with CSRF off here: the token check
costs microseconds, and the load generator should not have to scrape forms. Every request carries
the session of one signed-in drafter (the cookie jar below).
"""

from __future__ import annotations

import http.cookiejar
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

_SESSION = http.cookiejar.CookieJar()
"""The signed-in drafter's session cookie, shared by every client thread (the jar locks itself)."""


def _request(url: str, data: dict | None = None) -> tuple[float, int, str]:
    """One request: its time, status and the Location it redirects to (not followed)."""
    body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data is not None else None
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(_SESSION))
    start = time.perf_counter()
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=600) as response:
            response.read()
            status, location = response.status, ""
    except urllib.error.HTTPError as exc:  # a redirect (not followed) arrives here
        status, location = exc.code, exc.headers.get("Location", "")
    return time.perf_counter() - start, status, location


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure_web(workdir: Path, runs: int, clients: int, example: Callable[[str], dict],
                form_post: Callable[[dict], dict], stat: Callable[[list[float]], Any]) -> dict[str, Any]:
    """Timings of each page against a warm server; ``stat`` turns samples into the caller's statistics."""
    from waitress import create_server

    from contractgen.register.users import add_user
    from contractgen.web import create_app

    app = create_app({"DATA_DIR": workdir / "web-data", "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    add_user(app.extensions["contractgen.register"], "bench", "drafter", "Quiet-Machine-2026")
    server = create_server(app, host="127.0.0.1", port=0, threads=max(4, clients))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    try:
        signed_in = _request(f"{base}/login", {"name": "bench", "password": "Quiet-Machine-2026"})
        assert signed_in[1] == 302, signed_in
        post = form_post(example("hotel"))

        def new_draft() -> int:
            _elapsed, status, location = _request(f"{base}/industries/hotel/new", {**post, "action": "save"})
            assert status == 302, status
            return int(location.rsplit("/", 1)[-1])

        def generate(draft: int) -> float:
            elapsed, status, _location = _request(f"{base}/drafts/{draft}/generate", {})
            assert status == 302, f"generate answered {status}"
            return elapsed

        draft = new_draft()
        for _ in range(2):  # warm: templates compiled, fonts cached, PDF engine loaded
            _request(f"{base}/industries/hotel/new")
            _request(f"{base}/drafts/{draft}/document")
            generate(draft)
        results: dict[str, Any] = {}
        results["form"] = stat([_request(f"{base}/industries/hotel/new")[0] for _ in range(runs)])
        results["preview"] = stat([_request(f"{base}/drafts/{draft}/preview")[0] + _request(f"{base}/drafts/{draft}/document")[0]
                                   for _ in range(runs)])
        results["generate"] = stat([generate(draft) for _ in range(runs)])
        drafts = [new_draft() for _ in range(clients)]
        barrier = threading.Barrier(clients)

        def at_once(draft_id: int) -> float:
            barrier.wait()
            return generate(draft_id)

        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            latencies = list(pool.map(at_once, drafts))
        results["concurrent"] = (statistics.median(latencies), _percentile(latencies, 0.95),
                                 time.perf_counter() - start, clients)
        return results
    finally:
        server.close()
        thread.join(timeout=10)
        app.extensions["contractgen.register"].engine.dispose()

