"""A tiny in-memory bank. Amounts are integers in cents."""


class BankError(Exception):
    """Base class for bank errors."""


class InvalidAmount(BankError):
    pass


class InsufficientFunds(BankError):
    pass


class AccountClosed(BankError):
    pass


class UnknownAccount(BankError):
    pass


class Account:
    def __init__(self, number, owner, balance=0, overdraft_limit=0):
        if balance < 0:
            raise InvalidAmount("opening balance cannot be negative")
        self.number = number
        self.owner = owner
        self.balance = balance
        self.overdraft_limit = overdraft_limit
        self.is_open = True
        self.history = []

    def _check_open(self):
        if not self.is_open:
            raise AccountClosed(f"account {self.number} is closed")

    @staticmethod
    def _check_amount(amount):
        if amount <= 0:
            raise InvalidAmount(f"amount must be positive, got {amount}")

    def available(self):
        """Money that can still be withdrawn, including the overdraft."""
        return self.balance + self.overdraft_limit

    def deposit(self, amount, memo="deposit"):
        self._check_open()
        self._check_amount(amount)
        self.balance += amount
        self.history.append((memo, amount, self.balance))
        return self.balance

    def withdraw(self, amount, memo="withdrawal"):
        self._check_open()
        self._check_amount(amount)
        if amount > self.available():
            raise InsufficientFunds(
                f"cannot withdraw {amount}, only {self.available()} available"
            )
        self.balance -= amount
        self.history.append((memo, -amount, self.balance))
        return self.balance

    def transfer(self, other, amount):
        """Move amount to another account; nothing changes if either side fails."""
        other._check_open()
        self.withdraw(amount, memo=f"transfer to {other.number}")
        other.deposit(amount, memo=f"transfer from {self.number}")

    def months_to_reach(self, target, annual_rate_percent, monthly_deposit=0):
        """Months of interest plus monthly deposits until the balance reaches target.

        A simulation only: the account is not changed. Raises ValueError when the
        balance would never grow.
        """
        balance = self.balance
        months = 0
        while balance < target:
            growth = max(balance, 0) * annual_rate_percent // 1200 + monthly_deposit
            if growth <= 0:
                raise ValueError("target can never be reached")
            balance += growth
            months += 1
        return months

    def statement(self):
        """Lines 'memo: +amount -> balance', one per history entry."""
        lines = [f"Statement for {self.number} ({self.owner})"]
        for memo, amount, balance in self.history:
            lines.append(f"{memo}: {amount:+d} -> {balance}")
        lines.append(f"Closing balance: {self.balance}")
        return "\n".join(lines)


class Bank:
    def __init__(self, name):
        self.name = name
        self.accounts = {}
        self._next_number = 1

    def open_account(self, owner, deposit=0, overdraft_limit=0):
        number = f"{self._next_number:06d}"
        self._next_number += 1
        account = Account(number, owner, overdraft_limit=overdraft_limit)
        if deposit:
            account.deposit(deposit, memo="opening deposit")
        self.accounts[number] = account
        return account

    def get(self, number):
        try:
            return self.accounts[number]
        except KeyError:
            raise UnknownAccount(number) from None

    def close_account(self, number):
        """Close an account and return its balance paid out; it must not be overdrawn."""
        account = self.get(number)
        account._check_open()
        if account.balance < 0:
            raise InsufficientFunds("cannot close an overdrawn account")
        payout = account.balance
        if payout:
            account.withdraw(payout, memo="closing payout")
        account.is_open = False
        return payout

    def open_accounts(self):
        return [acc for acc in self.accounts.values() if acc.is_open]

    def total_balance(self):
        return sum(acc.balance for acc in self.open_accounts())

    def accounts_of(self, owner):
        return [acc.number for acc in self.open_accounts() if acc.owner == owner]

    def apply_monthly_interest(self, annual_rate_percent):
        """Credit positive balances with a month of interest (rounded down to whole cents)
        and charge overdrawn accounts the same rate on the overdrawn amount.

        Returns the net amount of interest credited over all accounts.
        """
        net = 0
        for acc in self.open_accounts():
            interest = abs(acc.balance) * annual_rate_percent // 1200
            if interest == 0:
                continue
            if acc.balance > 0:
                acc.deposit(interest, memo="interest")
                net += interest
            else:
                acc.balance -= interest
                acc.history.append(("overdraft interest", -interest, acc.balance))
                net -= interest
        return net
