package config

import "testing"

func TestSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Size{
		"0": 0, "4750": 4750, "1b": 1, "512k": 512000, "1m": 1000000, "1M": 1000000,
		"1.5m": 1500000, "2g": 2000000000, "10kb": 10000, "1 MiB": 1000000,
	} {
		var s Size
		if err := s.UnmarshalText([]byte(in)); err != nil || s != want {
			t.Errorf("%q: %d, %v; want %d", in, s, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1x", "m", "1.2.3k"} {
		var s Size
		if err := s.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("%q: accepted as %d", in, s)
		}
	}
}

func TestEventsLogFileMaxSize(t *testing.T) {
	for _, tt := range []struct {
		conf string
		want Size
	}{
		{"", 1000000},
		{"[engine]\nevents_logfile_max_size = 4750\n", 4750},
		{"[engine]\nevents_logfile_max_size = \"2k\"\n", 2000},
		{"[engine]\nevents_logfile_max_size = 0\n", 0},
	} {
		e := newTestEnv(t)
		if tt.conf != "" {
			e.userFile(t, "containers/containers.conf", tt.conf)
		}
		c, err := Load(e.opts(true))
		if err != nil {
			t.Fatalf("%q: %v", tt.conf, err)
		}
		if c.Engine.EventsLogFileMaxSize != tt.want {
			t.Errorf("%q: %d, want %d", tt.conf, c.Engine.EventsLogFileMaxSize, tt.want)
		}
	}
	e := newTestEnv(t)
	e.userFile(t, "containers/containers.conf", "[engine]\nevents_logfile_max_size = \"lots\"\n")
	if _, err := Load(e.opts(true)); err == nil {
		t.Errorf("a bad events_logfile_max_size was accepted")
	}
}
