package agiliron

import (
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

// createdCommonSeeds are answers to POST Leads in the shapes the common
// decoder reads, and some it hands to the tree decoder.
var createdCommonSeeds = []string{
	`{"MCM":{"response":{"objectType":"Leads"},"parameters":{"results":{"message":{"status":"Success","success_message":{"message":"Leads Added Successfully.","lead_id":["1001","1002"]}}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"status":"Success","success_message":{"lead_id":[1,"2",[3],null]}}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"STATUS":"Success","LeadId":"1001, 1002","lead_id":7}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"status":"Error","error_message":" Lead Company cannot be blank "}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"status":true,"success_message":12}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"status":"Success","success_message":{"lead_id":{"x":1}}}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"status":"Success","Success":{"Leads":{"LeadId":7}}}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":{"status":{}}}}}}`,
	`{"MCM":{"parameters":{"results":{"message":null}}}}`,
}

// checkCreatedCommon: wherever the common decoder takes an answer, the
// tree decoder reads it the same.
func checkCreatedCommon(t *testing.T, body []byte) bool {
	return testkit.AgreesWith(t, body, decodeCreatedCommon, func(b []byte) (*created, error) { return decodeCreatedTree(false, b) })
}

func TestDecodeCreatedCommonMatchesTree(t *testing.T) {
	took := 0
	for _, s := range createdCommonSeeds {
		if checkCreatedCommon(t, []byte(s)) {
			took++
		}
	}
	if took < 4 {
		t.Errorf("the common decoder took %d of the common shapes, want 4", took)
	}
}

func FuzzDecodeCreatedCommon(f *testing.F) {
	for _, s := range createdCommonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkCreatedCommon(t, body) })
}
