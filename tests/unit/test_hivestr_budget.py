"""Past the plan's budget, one request goes out alone as a probe (sources/hivestr/budget.SentInWindow)."""

from __future__ import annotations

import queue
import threading

from sources.hivestr.budget import SentInWindow

HELD = 0.2  # seconds a request is watched to see that it does not go out


class Request:
    """One request in a thread of its own, as the client's threads send them: sent, then answered in that thread."""

    def __init__(self, window: SentInWindow) -> None:
        self._sent = threading.Event()
        self._answer: queue.Queue[bool] = queue.Queue()
        self._thread = threading.Thread(target=self._send, args=(window,), daemon=True)
        self._thread.start()

    def _send(self, window: SentInWindow) -> None:
        window.before_send()
        self._sent.set()
        window.answered(refused=self._answer.get())  # a request a test leaves unanswered ends with the process

    def went_out(self, within: float = 5.0) -> bool:
        return self._sent.wait(within)

    def answer(self, *, refused: bool = False) -> None:
        self._answer.put(refused)
        self._thread.join(timeout=5)


def sent(window: SentInWindow, count: int) -> list[Request]:
    requests = [Request(window) for _ in range(count)]
    assert all(request.went_out() for request in requests)
    return requests


def test_past_the_budget_one_request_goes_out_and_the_rest_wait_for_its_answer():
    window = SentInWindow(2)
    in_budget = sent(window, 2)
    probe = sent(window, 1)[0]
    held = [Request(window), Request(window)]
    assert not any(request.went_out(HELD) for request in held)

    probe.answer(refused=True)  # the 429: a new window starts when its pause ends

    assert all(request.went_out() for request in held)  # the new window's first two
    next_probe = Request(window)
    assert next_probe.went_out()
    after = Request(window)
    assert not after.went_out(HELD)
    for request in [*in_budget, *held, next_probe]:
        request.answer()
    assert after.went_out()


def test_a_probe_answered_means_the_window_had_already_reset_and_counting_starts_over():
    window = SentInWindow(2)
    sent(window, 2)
    probe = sent(window, 1)[0]
    held = Request(window)
    assert not held.went_out(HELD)

    probe.answer()  # served: the probe is the first request of a window that began unseen

    assert held.went_out()  # the second
    assert Request(window).went_out()  # the next probe
    assert not Request(window).went_out(HELD)


def test_a_request_that_was_not_sent_after_all_gives_its_place_back():
    window = SentInWindow(1)
    window.before_send()
    window.not_sent()
    sent(window, 1)
    sent(window, 1)  # the probe
    assert not Request(window).went_out(HELD)
