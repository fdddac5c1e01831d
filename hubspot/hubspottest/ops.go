package hubspottest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// inputError builds a per-input StandardError naming the input.
func inputError(category, msg string, in writeInput, details ...errorDetail) standardError {
	ctx := map[string][]string{}
	if in.ObjectWriteTraceID != "" {
		ctx["objectWriteTraceId"] = []string{in.ObjectWriteTraceID}
	}
	if in.ID != "" {
		ctx["ids"] = []string{in.ID}
	}
	if details == nil {
		details = []errorDetail{}
	}
	return standardError{Status: "error", Category: category, Message: msg, Context: ctx, Errors: details, Links: map[string]string{}}
}

// checkValues applies the FailInputs hook, the email format and the
// unique properties to one write; claimed holds the unique values taken
// by earlier inputs of the same request. The caller holds mu.
func (s *Server) checkValues(st *store, objectType, op string, in writeInput, selfID string, claimed map[string]string) *standardError {
	if s.inputErr != nil {
		if e := s.inputErr(Input{Op: op, ObjectType: objectType, ID: in.ID, IDProperty: in.IDProperty,
			TraceID: in.ObjectWriteTraceID, Properties: in.Properties}); e != nil {
			var d []errorDetail
			if e.Code != "" {
				d = []errorDetail{{Message: e.Message, Code: e.Code, In: e.In}}
			}
			se := inputError(e.Category, e.Message, in, d...)
			return &se
		}
	}
	if op == "create" && len(in.Properties) == 0 {
		se := inputError("VALIDATION_ERROR", "No properties were given", in)
		return &se
	}
	for k := range in.Properties {
		if strings.TrimSpace(k) == "" {
			se := inputError("VALIDATION_ERROR", "Property names may not be empty", in)
			return &se
		}
	}
	if email, ok := in.Properties["email"]; ok && email != "" && !strings.Contains(email, "@") {
		se := inputError("VALIDATION_ERROR", "Property values were not valid", in,
			errorDetail{Message: fmt.Sprintf("Email address %s is invalid", email), Code: "INVALID_EMAIL", In: "email"})
		return &se
	}
	for prop, m := range st.unique {
		v := strings.ToLower(in.Properties[prop])
		if v == "" {
			continue
		}
		if owner, taken := m[v]; taken && owner != selfID {
			se := inputError("CONFLICT", fmt.Sprintf("An object with %s %s already exists. Existing ID: %s", prop, in.Properties[prop], owner), in)
			return &se
		}
		key := prop + "\x00" + v
		if other, taken := claimed[key]; taken && other != selfID {
			se := inputError("CONFLICT", fmt.Sprintf("Duplicate %s %s in the request", prop, in.Properties[prop]), in)
			return &se
		}
		claimed[key] = selfID
	}
	return nil
}

// create runs batch/create; the caller holds mu.
func (s *Server) create(objectType string, inputs []writeInput, requested time.Time, corr string) answer {
	st := s.storeOf(objectType)
	multi := !s.allOrNothing
	seen := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		if in.ObjectWriteTraceID == "" || seen[in.ObjectWriteTraceID] {
			multi = false
		}
		seen[in.ObjectWriteTraceID] = true
	}
	claimed := map[string]string{}
	errs := make([]*standardError, len(inputs))
	var failed []standardError
	for i, in := range inputs {
		// a distinct placeholder per input so requests' own values clash
		if e := s.checkValues(st, objectType, "create", in, fmt.Sprintf("\x00new%d", i), claimed); e != nil {
			errs[i] = e
			failed = append(failed, *e)
		}
	}
	if len(failed) > 0 && !multi {
		status := http.StatusBadRequest
		for _, e := range failed {
			if e.Category == "CONFLICT" {
				status = http.StatusConflict
			}
		}
		return answer{status, errorBody{Status: "error", Message: failed[0].Message, CorrelationID: corr, Category: failed[0].Category}}
	}
	now := time.Now()
	ans := batchAnswer{Status: "COMPLETE", Results: make([]objectJSON, 0, len(inputs)), RequestedAt: stamp(requested), StartedAt: stamp(requested)}
	for i, in := range inputs {
		if errs[i] != nil {
			continue
		}
		o := s.newObject(st, in.Properties, now)
		ans.Results = append(ans.Results, o.json(in.ObjectWriteTraceID, nil, nil))
	}
	ans.CompletedAt = stamp(time.Now())
	return s.finish(ans, failed, http.StatusCreated)
}

// finish adds the errors and picks the status; the caller holds mu.
func (s *Server) finish(ans batchAnswer, failed []standardError, okStatus int) answer {
	if len(failed) == 0 {
		return answer{okStatus, ans}
	}
	ans.Errors, ans.NumErrors = failed, len(failed)
	s.stats.MultiStatus++
	return answer{http.StatusMultiStatus, ans}
}

// lookup finds a live object by record id or unique property value.
func (st *store) lookup(id, idProperty string) *Object {
	if idProperty == "" || idProperty == "hs_object_id" {
		if o := st.byID[id]; o != nil && !o.Archived {
			return o
		}
		return nil
	}
	if oid, ok := st.unique[idProperty][strings.ToLower(id)]; ok {
		if o := st.byID[oid]; o != nil && !o.Archived {
			return o
		}
	}
	return nil
}

// updateOrUpsert runs batch/update and batch/upsert; the caller holds mu.
func (s *Server) updateOrUpsert(objectType, op string, inputs []writeInput, requested time.Time, corr string) answer {
	st := s.storeOf(objectType)
	seen := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		if in.IDProperty != "" && in.IDProperty != "hs_object_id" && st.unique[in.IDProperty] == nil {
			return badRequest(corr, fmt.Sprintf("idProperty %q is not a unique property of %s", in.IDProperty, objectType))
		}
		k := in.IDProperty + "\x00" + strings.ToLower(in.ID)
		if seen[k] {
			return badRequest(corr, fmt.Sprintf("Duplicate IDs found in batch input: [%s]. IDs must be unique", in.ID))
		}
		seen[k] = true
	}
	now := time.Now()
	claimed := map[string]string{}
	ans := batchAnswer{Status: "COMPLETE", Results: make([]objectJSON, 0, len(inputs)), RequestedAt: stamp(requested), StartedAt: stamp(requested)}
	var failed []standardError
	for i, in := range inputs {
		o := st.lookup(in.ID, in.IDProperty)
		if o == nil && op == "update" && !s.countOnly {
			failed = append(failed, inputError("OBJECT_NOT_FOUND", "Object not found. objectId are usually numeric.", in))
			continue
		}
		props := in.Properties
		self := fmt.Sprintf("\x00new%d", i)
		if o != nil {
			self = o.ID
		} else if in.IDProperty != "" && in.IDProperty != "hs_object_id" {
			props = make(map[string]string, len(in.Properties)+1)
			for k, v := range in.Properties {
				props[k] = v
			}
			props[in.IDProperty] = in.ID
		}
		check := in
		check.Properties = props
		if e := s.checkValues(st, objectType, op, check, self, claimed); e != nil {
			failed = append(failed, *e)
			continue
		}
		var isNew *bool
		if op == "upsert" {
			b := o == nil
			isNew = &b
		}
		if o == nil {
			if (in.IDProperty == "" || in.IDProperty == "hs_object_id") && !s.countOnly {
				failed = append(failed, inputError("OBJECT_NOT_FOUND", "Object not found. objectId are usually numeric.", in))
				continue
			}
			o = s.newObject(st, props, now)
		} else {
			st.update(o, props, now)
		}
		ans.Results = append(ans.Results, o.json(in.ObjectWriteTraceID, isNew, nil))
	}
	ans.CompletedAt = stamp(time.Now())
	return s.finish(ans, failed, http.StatusOK)
}

// read runs batch/read; the caller holds mu.
func (s *Server) read(objectType string, req readRequest, archived bool, requested time.Time, corr string) answer {
	st := s.storeOf(objectType)
	if req.IDProperty != "" && req.IDProperty != "hs_object_id" && st.unique[req.IDProperty] == nil {
		return badRequest(corr, fmt.Sprintf("idProperty %q is not a unique property of %s", req.IDProperty, objectType))
	}
	ans := batchAnswer{Status: "COMPLETE", Results: make([]objectJSON, 0, len(req.Inputs)), RequestedAt: stamp(requested), StartedAt: stamp(requested)}
	var missing []string
	done := map[string]bool{}
	for _, in := range req.Inputs {
		var o *Object
		if archived {
			if x := st.byID[in.ID]; x != nil && x.Archived {
				o = x
			}
		} else {
			o = st.lookup(in.ID, req.IDProperty)
		}
		if o == nil {
			missing = append(missing, in.ID)
			continue
		}
		if done[o.ID] {
			continue
		}
		done[o.ID] = true
		ans.Results = append(ans.Results, o.json("", nil, req.Properties))
	}
	ans.CompletedAt = stamp(time.Now())
	var failed []standardError
	if len(missing) > 0 {
		failed = []standardError{{Status: "error", Category: "OBJECT_NOT_FOUND",
			Message: fmt.Sprintf("Could not get some %s objects, they may be deleted or not exist. Check that ids are valid.", strings.ToUpper(objectType)),
			Context: map[string][]string{"ids": missing}, Errors: []errorDetail{}, Links: map[string]string{}}}
	}
	return s.finish(ans, failed, http.StatusOK)
}

// archive runs batch/archive; the caller holds mu.
func (s *Server) archive(objectType string, inputs []writeInput) answer {
	st := s.storeOf(objectType)
	for _, in := range inputs {
		o := st.byID[in.ID]
		if o == nil || o.Archived {
			continue
		}
		o.Archived = true
		for prop, m := range st.unique {
			if v := strings.ToLower(o.Properties[prop]); v != "" && m[v] == o.ID {
				delete(m, v)
			}
		}
	}
	return answer{status: http.StatusNoContent}
}
