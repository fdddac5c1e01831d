package noojeetest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// importLeads imports the leads of a bulk call one by one, in order, as
// Noojee's import does: each lead that passes the insert rules is stored
// (a later lead repeating an earlier one's phone or njExternalLeadId is
// then refused 105 or 112), and each refused lead becomes a CSV row of the
// answer. It returns the answer's message in the documented form
// (Noojee's insertLead page, pageId=22186919):
//
//	Imported 1 Updated 0 Rejected 1 leads.
//
//	Errors (If any):
//	 FirstPhone,Name,njExternalLeadId,Error Reason,
//	0383218199,Jane Smith,CRM-1,DNC,
//
// The header lists every field the call's leads carry, sorted; each row
// echoes the refused lead's values and ends with the code's name as the
// Error Reason, and every line ends with a comma (s.mu held).
func (s *Server) importLeads(template, campaignID, allocation string, allowDup bool, leads []map[string]string) string {
	c := s.campaign(campaignID)
	var rejected []map[string]string
	var reasons []string
	for _, f := range leads {
		if ref := s.checkInsert(c, allowDup, f); ref != nil {
			rejected = append(rejected, f)
			reasons = append(reasons, ref.name)
			continue
		}
		s.store(c, template, allocation, f)
	}
	s.stats.Rejected += len(rejected)
	var b bytes.Buffer
	fmt.Fprintf(&b, "Imported %d Updated 0 Rejected %d leads.\n\nErrors (If any):\n ", len(leads)-len(rejected), len(rejected))
	var columns []string
	for _, f := range leads {
		for k := range f {
			if !slices.Contains(columns, k) {
				columns = append(columns, k)
			}
		}
	}
	slices.Sort(columns)
	w := csv.NewWriter(&b)
	w.Write(append(slices.Clone(columns), "Error Reason", ""))
	for i, f := range rejected {
		row := make([]string, 0, len(columns)+2)
		for _, col := range columns {
			row = append(row, f[col])
		}
		w.Write(append(row, reasons[i], ""))
	}
	w.Flush()
	return b.String()
}

// answerSummary writes a bulk call's answer: code 0 with the import
// summary as its message.
func answerSummary(w http.ResponseWriter, message string) {
	data, _ := json.Marshal(map[string]any{"code": 0, "message": message})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}
