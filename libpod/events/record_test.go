package events

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRecordFormat(t *testing.T) {
	t.Parallel()
	when := time.Date(2022, 4, 6, 11, 26, 42, 723667901, time.UTC)
	ev := Event{Type: Image, Action: "pull", Name: "busybox", ID: "abc", TimeNano: when.UnixNano(), Attributes: map[string]string{"k": "v"}}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Name":"busybox"`, `"Status":"pull"`, `"Type":"image"`, `"ID":"abc"`, `"Time":"2022-04-06T11:26:42.723667901Z"`, `"Attributes":{"k":"v"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("encoded event %s lacks %s", b, want)
		}
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, ev) {
		t.Errorf("round trip: %+v, want %+v", back, ev)
	}

	cases := map[string]string{
		"podman": `{"Name":"busybox","Status":"pull","Time":"2022-04-06T11:26:42.723667901Z","Type":"image","Attributes":null}`,
		"old pm": `{"type":"image","action":"pull","name":"busybox","timeNano":` + jsonInt(when.UnixNano()) + `}`,
	}
	for name, line := range cases {
		var got Event
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := Event{Type: Image, Action: "pull", Name: "busybox", TimeNano: when.UnixNano()}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s line: %+v, want %+v", name, got, want)
		}
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
