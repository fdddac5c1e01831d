package hubspottest

import (
	"fmt"
	"net/http"
)

// MaxHistoryInputs is the most ids a batch read asking for
// propertiesWithHistory may carry: HubSpot answers more with a
// VALIDATION_ERROR, "The maximum number of inputs supported in a batch
// request for property histories is 50. Please reduce the number of items
// and try again" (the message as HubSpot sends it, quoted in
// PipedreamHQ/pipedream#8462 and in HubSpot's own sample integrations,
// which chunk such reads at 50).
const MaxHistoryInputs = 50

// historyLimitMessage is HubSpot's refusal of a history read over
// MaxHistoryInputs.
var historyLimitMessage = fmt.Sprintf("The maximum number of inputs supported in a batch request for property histories is %d. Please reduce the number of items and try again", MaxHistoryInputs)

// RulesFromVersion is the first API version under which the fake enforces
// the validation rules set with RequireWhen, as HubSpot enforces a portal's
// admin-configured rules "on all CRM API write paths" from /2026-09/ on
// (developers.hubspot.com/changelog/crm-api-write-validation-enforcement).
// Writes through /crm/v3/objects and /crm/objects/2026-03 ignore them.
const RulesFromVersion = "2026-09"

// rule is a conditional required property: prop must have a value when
// ifProp has ifValue.
type rule struct {
	prop, ifProp, ifValue string
}

// RequireWhen adds a conditional required property to objectType, as a
// portal admin would: prop must have a non-empty value whenever ifProp
// equals ifValue (HubSpot's example: closedate required when dealstage is
// closedwon). From RulesFromVersion on, a create, update or upsert whose
// resulting object breaks the rule is refused with a VALIDATION_ERROR for
// its input (inside a 207, or a whole 400 where the request is
// all-or-nothing); nothing of that input is written. The error message is
// the fake's own wording: HubSpot documents the category and the 400, not
// the text.
func (s *Server) RequireWhen(objectType, prop, ifProp, ifValue string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := canonicalType(objectType)
	if s.rules == nil {
		s.rules = map[string][]rule{}
	}
	s.rules[t] = append(s.rules[t], rule{prop: prop, ifProp: ifProp, ifValue: ifValue})
}

// enforcesRules reports whether writes under version (as parsePath gives
// it: "v3" or "YYYY-MM") are held to the portal's validation rules.
func enforcesRules(version string) bool {
	return version != "v3" && version >= RulesFromVersion
}

// ruleError checks the object an input would leave — existing's properties
// (nil for a new object) overlaid with props — against objectType's rules.
// The caller holds mu.
func (s *Server) ruleError(objectType string, in writeInput, existing *Object, props map[string]string) *standardError {
	value := func(p string) string {
		if v, ok := props[p]; ok {
			return v
		}
		if existing != nil {
			return existing.Properties[p]
		}
		return ""
	}
	for _, r := range s.rules[objectType] {
		if value(r.ifProp) == r.ifValue && value(r.prop) == "" {
			msg := fmt.Sprintf("Property %s is required when %s is %s", r.prop, r.ifProp, r.ifValue)
			se := inputError("VALIDATION_ERROR", msg, in, errorDetail{Message: msg, In: r.prop})
			return &se
		}
	}
	return nil
}

// checkHistoryCount refuses a history read over MaxHistoryInputs, as
// HubSpot does.
func checkHistoryCount(req readRequest, corr string) (answer, bool) {
	if len(req.PropertiesWithHistory) > 0 && len(req.Inputs) > MaxHistoryInputs {
		return answer{http.StatusBadRequest, errorBody{Status: "error", Message: historyLimitMessage, CorrelationID: corr, Category: "VALIDATION_ERROR"}}, true
	}
	return answer{}, false
}
