package events

import (
	"encoding/json"
	"time"
)

// record is an event as a line of the journal. Its keys are those of
// Podman's events file ("Name", "Status", "Time" in RFC 3339 with
// nanoseconds, ...), so tools that read Podman's file read pm's. Lines
// an older pm wrote ("name", "action", "timeNano") still read: JSON keys
// match the fields regardless of case, and action and timeNano have
// fields of their own.
type record struct {
	ID         string            `json:"ID,omitempty"`
	Image      string            `json:"Image,omitempty"`
	Name       string            `json:"Name,omitempty"`
	Status     string            `json:"Status,omitempty"`
	Time       *time.Time        `json:"Time,omitempty"`
	Type       string            `json:"Type"`
	Attributes map[string]string `json:"Attributes,omitempty"`

	Action   string `json:"action,omitempty"`
	TimeNano int64  `json:"timeNano,omitempty"`
}

// MarshalJSON writes e in Podman's format.
func (e Event) MarshalJSON() ([]byte, error) {
	t := e.Time()
	return json.Marshal(record{ID: e.ID, Image: e.Image, Name: e.Name, Status: e.Action, Time: &t, Type: e.Type, Attributes: e.Attributes})
}

// UnmarshalJSON reads a line in Podman's format or in an older pm's.
func (e *Event) UnmarshalJSON(b []byte) error {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	*e = Event{Type: r.Type, Action: r.Status, ID: r.ID, Name: r.Name, Image: r.Image, Attributes: r.Attributes, TimeNano: r.TimeNano}
	if e.Action == "" {
		e.Action = r.Action
	}
	if r.Time != nil {
		e.TimeNano = r.Time.UnixNano()
	}
	return nil
}
