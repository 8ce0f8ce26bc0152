"""Which writes get the requester's history note (xero_mcp.hosted.notes)."""

from xero_mcp.hosted.notes import requester_note, written_records


def test_a_created_invoice_is_found_in_the_answer_under_its_id_field() -> None:
    answer = {"Invoices": [{"InvoiceID": "a"}, {"InvoiceID": "b"}]}
    assert written_records("/Invoices", answer) == ("Invoices", ["a", "b"])
    assert written_records("/BankTransactions/x", {"BankTransactions": [{"BankTransactionID": "x"}]}) == (
        "BankTransactions",
        ["x"],
    )


def test_notes_emails_attachments_and_collections_without_history_are_not_noted() -> None:
    assert written_records("/Invoices/a/History", {"HistoryRecords": [{"Details": "x"}]}) is None
    assert written_records("/Invoices/a/Email", {}) is None
    assert written_records("/Accounts", {"Accounts": [{"AccountID": "a"}]}) is None


def test_the_note_names_the_person_and_their_email() -> None:
    assert requester_note("Alice Adams", "alice@example.com") == (
        "Requested by Alice Adams <alice@example.com> through xero-mcp."
    )
