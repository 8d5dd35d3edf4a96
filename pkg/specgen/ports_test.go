package specgen

import (
	"errors"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestParsePort(t *testing.T) {
	t.Parallel()
	good := map[string]define.PortMapping{
		"80":                  {ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"8080:80":             {ContainerPort: 80, HostPort: 8080, Range: 1, Protocol: "tcp"},
		"127.0.0.1:8080:80":   {HostIP: "127.0.0.1", ContainerPort: 80, HostPort: 8080, Range: 1, Protocol: "tcp"},
		"127.0.0.1::80":       {HostIP: "127.0.0.1", ContainerPort: 80, Range: 1, Protocol: "tcp"},
		"53:53/udp":           {ContainerPort: 53, HostPort: 53, Range: 1, Protocol: "udp"},
		"8000-8002:9000-9002": {ContainerPort: 9000, HostPort: 8000, Range: 3, Protocol: "tcp"},
		"[::1]:8080:80":       {HostIP: "::1", ContainerPort: 80, HostPort: 8080, Range: 1, Protocol: "tcp"},
	}
	for in, want := range good {
		got, err := ParsePort(in)
		if err != nil || got != want {
			t.Errorf("ParsePort(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "99999:80", "0:80", "80/icmp", "1.2.3:80:80", "8000-8002:80", "90-80", "a:b:c:d", "[::1:80:80"} {
		if _, err := ParsePort(in); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParsePort(%q) = %v, want invalid argument", in, err)
		}
	}
}
