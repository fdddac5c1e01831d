package agiliron

import (
	"context"
	"iter"
	"net/http"

	"github.com/crmbatch/crmbatch/batch"
)

// bulkAccounts is the documented multi-account add (POST) and update (PUT).
const bulkAccounts = "Bulk-Accounts"

// accounts describes the Account record to the shared code.
var accounts = &resource[Account, AccountResult]{
	plural: "Accounts", single: "Account", bulk: bulkAccounts, idName: "AccountID", customKey: "CustomFields",
	id:     func(a *Account) string { return a.AccountID },
	name:   func(a *Account) string { return a.AccountName },
	addKey: func(a Account) string { return a.AccountName },
	validateUpdate: func(a Account) error {
		return validateUpdate("PUT "+bulkAccounts, "AccountID", a.AccountID, "AccountName", a.AccountName, "Account Name cannot be blank")
	},
	validateAdd: func(a Account) error {
		if err := validateNoID("POST "+bulkAccounts, "AccountID", a.AccountID, "UpdateAccounts"); err != nil {
			return err
		}
		return validateRequired("POST "+bulkAccounts, "AccountName", a.AccountName, "Account Name cannot be blank")
	},
	marshalJSON: func(a *Account) ([]byte, error) { return a.MarshalJSON() },
	result: func(r recordResult) AccountResult {
		return AccountResult{BatchID: r.batchID, AccountID: r.id, Name: r.name, Message: r.message, Record: r.record}
	},
}

// AddAccounts creates new accounts: POST Bulk-Accounts ("Add Bulk
// Accounts", api.agiliron.com/docs/add-bulk-accounts) with
// {"Accounts":{"Account":[…]}} (or XML), as AddContacts does. Each account
// needs an AccountName and no AccountID; results without record numbers
// are placed by AccountName where it tells the accounts apart.
func (c *Client) AddAccounts(ctx context.Context, in []Account) (*batch.Report[AccountResult], error) {
	return runSlice(ctx, c, bulkOp(c, accounts, http.MethodPost), in)
}

// AddAccountsSeq is AddAccounts over a sequence, read as it goes.
func (c *Client) AddAccountsSeq(ctx context.Context, in iter.Seq[Account]) (*batch.Report[AccountResult], error) {
	return runSeq(ctx, c, bulkOp(c, accounts, http.MethodPost), in)
}

// UpdateAccounts updates existing accounts: PUT Bulk-Accounts, as
// UpdateLeads does for leads. An update REPLACES THE WHOLE RECORD (see
// Account for the fields this package knows). Each account must carry
// AccountID (an integer) and AccountName.
func (c *Client) UpdateAccounts(ctx context.Context, in []Account) (*batch.Report[AccountResult], error) {
	return runSlice(ctx, c, bulkOp(c, accounts, http.MethodPut), in)
}

// UpdateAccountsSeq is UpdateAccounts over a sequence, read as it goes.
func (c *Client) UpdateAccountsSeq(ctx context.Context, in iter.Seq[Account]) (*batch.Report[AccountResult], error) {
	return runSeq(ctx, c, bulkOp(c, accounts, http.MethodPut), in)
}

// EncodeAccounts returns the Bulk-Accounts request body in format f:
// {"Accounts":{"Account":[…]}} or <Accounts><Account>…</Account></Accounts>.
func EncodeAccounts(f Format, in []Account) ([]byte, error) { return encodeRecords(accounts, f, in) }

// DecodeAccounts reads a Bulk-Accounts body (JSON or XML), an Account
// given as one object or a list.
func DecodeAccounts(contentType string, body []byte) ([]Account, error) {
	return decodeRecords(accounts, contentType, body)
}
