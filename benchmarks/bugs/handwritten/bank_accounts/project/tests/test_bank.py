import pytest

from bank import (
    Account,
    AccountClosed,
    Bank,
    InsufficientFunds,
    InvalidAmount,
    UnknownAccount,
)


def test_deposit_and_history():
    acc = Account("1", "ann")
    assert acc.deposit(500) == 500
    assert acc.deposit(250, memo="gift") == 750
    assert acc.history == [("deposit", 500, 500), ("gift", 250, 750)]


def test_rejects_non_positive_amounts():
    acc = Account("1", "ann", balance=100)
    with pytest.raises(InvalidAmount):
        acc.deposit(0)
    with pytest.raises(InvalidAmount):
        acc.withdraw(-5)
    assert acc.balance == 100
    assert acc.history == []


def test_negative_opening_balance():
    with pytest.raises(InvalidAmount):
        Account("1", "ann", balance=-1)


def test_withdraw_records_negative_amount():
    acc = Account("1", "ann", balance=1000)
    assert acc.withdraw(300) == 700
    assert acc.history == [("withdrawal", -300, 700)]


def test_withdraw_exactly_everything():
    acc = Account("1", "ann", balance=1000)
    assert acc.withdraw(1000) == 0


def test_withdraw_into_overdraft_up_to_limit():
    acc = Account("1", "ann", balance=100, overdraft_limit=50)
    assert acc.available() == 150
    assert acc.withdraw(150) == -50
    with pytest.raises(InsufficientFunds):
        acc.withdraw(1)


def test_withdraw_over_limit_changes_nothing():
    acc = Account("1", "ann", balance=100)
    with pytest.raises(InsufficientFunds):
        acc.withdraw(101)
    assert acc.balance == 100
    assert acc.history == []


def test_transfer_moves_money():
    a = Account("1", "ann", balance=1000)
    b = Account("2", "bob")
    a.transfer(b, 400)
    assert (a.balance, b.balance) == (600, 400)
    assert a.history[-1] == ("transfer to 2", -400, 600)
    assert b.history[-1] == ("transfer from 1", 400, 400)


def test_failed_transfer_is_atomic():
    a = Account("1", "ann", balance=100)
    b = Account("2", "bob", balance=5)
    with pytest.raises(InsufficientFunds):
        a.transfer(b, 500)
    assert (a.balance, b.balance) == (100, 5)
    b.is_open = False
    with pytest.raises(AccountClosed):
        a.transfer(b, 50)
    assert a.balance == 100
    assert a.history == []


def test_months_to_reach():
    acc = Account("1", "ann", balance=120000)
    assert acc.months_to_reach(120000, 12) == 0
    assert acc.months_to_reach(121200, 12) == 1
    assert acc.months_to_reach(122412, 12) == 2
    assert acc.months_to_reach(122413, 12) == 3
    assert acc.balance == 120000


def test_months_to_reach_with_deposits_only():
    acc = Account("1", "ann")
    assert acc.months_to_reach(300, 0, monthly_deposit=100) == 3


def test_months_to_reach_unreachable():
    acc = Account("1", "ann", balance=100)
    with pytest.raises(ValueError):
        acc.months_to_reach(200, 0)
    overdrawn = Account("2", "bob", overdraft_limit=100)
    overdrawn.withdraw(50)
    with pytest.raises(ValueError):
        overdrawn.months_to_reach(10, 12)


def test_statement():
    acc = Account("7", "cy", balance=0)
    acc.deposit(100)
    acc.withdraw(30, memo="coffee")
    assert acc.statement() == (
        "Statement for 7 (cy)\n"
        "deposit: +100 -> 100\n"
        "coffee: -30 -> 70\n"
        "Closing balance: 70"
    )


def test_open_account_numbers_and_deposit():
    bank = Bank("B")
    a = bank.open_account("ann", deposit=500)
    b = bank.open_account("bob")
    assert (a.number, b.number) == ("000001", "000002")
    assert a.balance == 500
    assert a.history == [("opening deposit", 500, 500)]
    assert b.history == []
    assert bank.get("000002") is b


def test_unknown_account():
    bank = Bank("B")
    with pytest.raises(UnknownAccount):
        bank.get("000001")


def test_close_account_pays_out():
    bank = Bank("B")
    a = bank.open_account("ann", deposit=800)
    assert bank.close_account(a.number) == 800
    assert a.balance == 0
    assert not a.is_open
    with pytest.raises(AccountClosed):
        a.deposit(10)
    with pytest.raises(AccountClosed):
        bank.close_account(a.number)


def test_close_empty_account():
    bank = Bank("B")
    a = bank.open_account("ann")
    assert bank.close_account(a.number) == 0
    assert a.history == []


def test_cannot_close_overdrawn_account():
    bank = Bank("B")
    a = bank.open_account("ann", overdraft_limit=100)
    a.withdraw(40)
    with pytest.raises(InsufficientFunds):
        bank.close_account(a.number)
    assert a.is_open


def test_total_balance_ignores_closed():
    bank = Bank("B")
    a = bank.open_account("ann", deposit=100)
    bank.open_account("bob", deposit=250)
    c = bank.open_account("cy", overdraft_limit=100)
    c.withdraw(50)
    assert bank.total_balance() == 300
    bank.close_account(a.number)
    assert bank.total_balance() == 200


def test_accounts_of():
    bank = Bank("B")
    a1 = bank.open_account("ann")
    bank.open_account("bob")
    a2 = bank.open_account("ann")
    assert bank.accounts_of("ann") == [a1.number, a2.number]
    bank.close_account(a1.number)
    assert bank.accounts_of("ann") == [a2.number]
    assert bank.accounts_of("zed") == []


def test_monthly_interest():
    bank = Bank("B")
    rich = bank.open_account("ann", deposit=120000)
    poor = bank.open_account("bob", overdraft_limit=100000)
    poor.withdraw(60000)
    tiny = bank.open_account("cy", deposit=99)
    net = bank.apply_monthly_interest(12)
    assert rich.balance == 121200
    assert poor.balance == -60600
    assert tiny.balance == 99
    assert net == 1200 - 600
    assert rich.history[-1] == ("interest", 1200, 121200)
    assert poor.history[-1] == ("overdraft interest", -600, -60600)
    assert len(tiny.history) == 1


def test_monthly_interest_rounds_down():
    bank = Bank("B")
    acc = bank.open_account("ann", deposit=1000)
    assert bank.apply_monthly_interest(5) == 4
    assert acc.balance == 1004
