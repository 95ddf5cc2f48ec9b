"""How an account's messages name its settings, and which exit code a fleet of accounts ends with."""

from __future__ import annotations

import pytest

from pipelines.accounts import Account, account_setting_names
from pipelines.fleet import AccountOutcome, AccountRun, fleet_exit_code
from sources.report import SyncReport


def test_a_message_names_the_accounts_own_setting_and_env_name():
    line = (
        "the credentials were not accepted. Check sources.ploomes.api_key (env SOURCES__PLOOMES__API_KEY); "
        "sources.hivestr.api_key is another system's; sources.ploomes.accounts.acme.base_url is already the account's"
    )
    assert account_setting_names(line, "ploomes", "acme") == (
        "the credentials were not accepted. Check sources.ploomes.accounts.acme.api_key "
        "(env SOURCES__PLOOMES__ACCOUNTS__ACME__API_KEY); sources.hivestr.api_key is another system's; "
        "sources.ploomes.accounts.acme.base_url is already the account's"
    )


def outcomes(*codes: int) -> list[AccountOutcome]:
    return [
        AccountRun(Account("ploomes", f"a{n}", {}), SyncReport(), code=code, started=True).outcome()
        for n, code in enumerate(codes)
    ]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((0, 0), 0),
        ((0, 75), 75),
        ((75, 3, 0), 3),
        ((3, 1, 75), 1),
        ((1, 143, 0), 143),
    ],
)
def test_the_fleet_exits_with_its_most_serious_accounts_code(codes, expected):
    assert fleet_exit_code(outcomes(*codes)) == expected
