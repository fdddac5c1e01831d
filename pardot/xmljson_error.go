package pardot

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// errorForm is the JSON and XML form of an Error (see "XML and JSON
// forms" in the package doc):
//
//	{"vendor":"pardot","op":"batchCreate","http_status":200,"code":4,"class":"invalid","key":"0","message":"Invalid prospect email address"}
//	<error vendor="pardot" http_status="200" code="4" class="invalid"><op>batchCreate</op><key>0</key><message>Invalid prospect email address</message></error>
type errorForm struct {
	Vendor     string `json:"vendor,omitempty" xml:"vendor,attr,omitempty"`
	Op         string `json:"op,omitempty" xml:"op,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty" xml:"http_status,attr,omitempty"`
	Code       Code   `json:"code,omitempty" xml:"code,attr,omitempty"`
	Class      string `json:"class" xml:"class,attr"`
	Local      bool   `json:"local,omitempty" xml:"local,attr,omitempty"`
	Wait       string `json:"wait,omitempty" xml:"wait,attr,omitempty"`
	Key        string `json:"key,omitempty" xml:"key,omitempty"`
	Param      string `json:"param,omitempty" xml:"param,omitempty"`
	RequestID  string `json:"request_id,omitempty" xml:"request_id,omitempty"`
	Message    string `json:"message,omitempty" xml:"message,omitempty"`
	Cause      string `json:"cause,omitempty" xml:"cause,omitempty"`
}

func (e *Error) form() errorForm {
	f := errorForm{
		Vendor: e.Vendor, Op: e.Op, HTTPStatus: e.HTTPStatus, Code: e.Code,
		Class: e.Class.String(), Local: e.Local, Key: e.Key, Param: e.Param,
		RequestID: e.RequestID, Message: e.Message,
	}
	if e.Wait != 0 {
		f.Wait = e.Wait.String()
	}
	if e.Err != nil {
		f.Cause = e.Err.Error()
	}
	return f
}

// fromForm rebuilds the Error: the code table gives back what the code
// means to the engine (its attempts cap and whether it stops the run),
// the recorded class stays, and the cause comes back as its text.
func (e *Error) fromForm(f errorForm) error {
	class, ok := parseClass(f.Class)
	if !ok {
		return fmt.Errorf("pardot: error class %.40q is not one of vendorkit's classes", f.Class)
	}
	var wait time.Duration
	if f.Wait != "" {
		var err error
		if wait, err = time.ParseDuration(f.Wait); err != nil {
			return fmt.Errorf("pardot: error wait: %w", err)
		}
	}
	*e = Error{Key: f.Key, Param: f.Param}
	codes.Apply(&e.APIError, f.Code)
	e.Vendor, e.Op, e.HTTPStatus, e.Class, e.Local = f.Vendor, f.Op, f.HTTPStatus, class, f.Local
	e.Wait, e.RequestID, e.Message = wait, f.RequestID, f.Message
	if f.Cause != "" {
		e.Err = errors.New(f.Cause)
	}
	return nil
}

// parseClass returns the class named s, as Class.String names it.
func parseClass(s string) (vendorkit.Class, bool) {
	for c := vendorkit.Class(0); c < 64; c++ {
		if c.String() == s {
			return c, true
		}
	}
	return 0, false
}

// MarshalJSON writes the error as data. Its cause is kept as text only.
func (e Error) MarshalJSON() ([]byte, error) { return json.Marshal(e.form()) }

// UnmarshalJSON reads the form MarshalJSON writes.
func (e *Error) UnmarshalJSON(b []byte) error {
	var f errorForm
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("pardot: error: %w", err)
	}
	return e.fromForm(f)
}

// MarshalXML writes the error as an <error> element (or under the name it
// is given inside another element).
func (e Error) MarshalXML(enc *xml.Encoder, start xml.StartElement) error {
	start = rootName(start, "Error", "error")
	return enc.EncodeElement(e.form(), start)
}

// UnmarshalXML reads the form MarshalXML writes, whatever the element's
// name.
func (e *Error) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var f errorForm
	if err := d.DecodeElement(&f, &start); err != nil {
		return fmt.Errorf("pardot: error: %w", err)
	}
	return e.fromForm(f)
}
