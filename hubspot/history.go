package hubspot

import (
	"encoding/json"
	"fmt"
	"time"
)

// PropertyChange is one value in a property's history, newest first in
// Result.PropertiesWithHistory (HubSpot's ValueWithTimestamp).
type PropertyChange struct {
	// Value is the property's value from Timestamp on. A JSON number or
	// boolean keeps its text and null becomes "", as for Properties.
	Value string `json:"value" xml:"value"`
	// Timestamp is when the value was set.
	Timestamp time.Time `json:"timestamp" xml:"timestamp"`
	// SourceType says what set it (e.g. API, CRM_UI, IMPORT).
	SourceType string `json:"sourceType" xml:"sourceType"`
	// SourceID and SourceLabel name the source, when HubSpot sends them.
	SourceID    string `json:"sourceId,omitempty" xml:"sourceId,omitempty"`
	SourceLabel string `json:"sourceLabel,omitempty" xml:"sourceLabel,omitempty"`
	// UpdatedByUserID is the HubSpot user who set it, 0 when none.
	UpdatedByUserID int64 `json:"updatedByUserId,omitempty" xml:"updatedByUserId,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler, decoding value tolerantly.
func (c *PropertyChange) UnmarshalJSON(b []byte) error {
	type plain PropertyChange
	var w struct {
		plain
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = PropertyChange(w.plain)
	if len(w.Value) == 0 {
		return nil
	}
	v, err := scalarText(w.Value)
	if err != nil {
		return fmt.Errorf("history value: %w", err)
	}
	c.Value = v
	return nil
}
