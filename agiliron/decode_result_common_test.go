package agiliron

import (
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// resultCommonSeeds are batch results in the common shape, and near it.
var resultCommonSeeds = []string{
	`{"SuccessNumber":2,"FailureNumber":1,"SuccessAccountId":0,"Success":[{"Contacts":{"ContactId":5001,"ContactName":"Ada Lovelace","Record":1}},{"Contacts":{"ContactId":"5002","ContactName":" Bo ","Record":"2"}}],"Failure":[{"Contacts":{"Message":"Contact Last Name cannot be blank","Record":3}}]}`,
	`{"SuccessNumber":1,"FailureNumber":0,"Success":[{"Leads":{"LeadId":7,"LeadName":"John Doe","Record":1}}],"Failure":[]}`,
	`{"SuccessNumber":"1","FailureNumber":"0","Success":[{"Accounts":{"AccountID":9,"AccountName":"Acme","Record":1}}]}`,
	`{"SuccessNumber":1,"Success":[{"leads":{"leadid":null,"leadname":"A\u00e9 \"q\"","record":1.0}}]}`,
	`{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":7,"ContactId":8}}]}`,
	`{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":7,"leadid":8}}]}`,
	`{"SuccessNumber":1,"Success":{"Leads":[{"LeadId":7,"Record":1}]}}`,
	`{"result":{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":7}}]}}`,
	`{"SuccessNumber":1,"success":[],"Success":[{"Leads":{"LeadId":7}}]}`,
	`{"SuccessNumber":1,"Success":[{"Leads":{"Meſſage":"x","LeadId":7}}]}`,
	`{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":7,"Record":true}}]}`,
	`{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":{"x":1}}}]}`,
	`{"SuccessNumber":1,"Success":[{"Leads":{"LeadId":7}}]} {}`,
}

// checkResultCommon: wherever the common decoder takes a result, the tree
// decoder reads it the same.
func checkResultCommon(t *testing.T, body []byte) bool {
	return testkit.AgreesWith(t, body, resultCommon, resultTree)
}

func TestResultCommonMatchesTree(t *testing.T) {
	took := 0
	for _, s := range resultCommonSeeds {
		if checkResultCommon(t, []byte(s)) {
			took++
		}
	}
	if took != 4 {
		t.Errorf("the common decoder took %d of the seeds, want the first 4", took)
	}
}

func FuzzResultCommon(f *testing.F) {
	for _, s := range resultCommonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkResultCommon(t, body) })
}
