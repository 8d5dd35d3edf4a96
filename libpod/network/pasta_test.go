package network

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestPastaArgs(t *testing.T) {
	t.Parallel()
	got := PastaArgs(PastaOptions{NSPath: "/run/ns", Ports: []define.PortMapping{
		{ContainerPort: 80, HostPort: 8080, Range: 1, Protocol: "tcp"},
		{HostIP: "127.0.0.1", ContainerPort: 9000, HostPort: 8000, Range: 3, Protocol: "tcp"},
		{ContainerPort: 53, HostPort: 5353, Range: 1, Protocol: "udp"},
	}})
	want := []string{"--config-net", "--quiet", "--dns-forward", DNSForward,
		"-t", "8080:80", "-t", "127.0.0.1/8000-8002:9000-9002", "-u", "5353:53",
		"-T", "none", "-U", "none", "--netns", "/run/ns"}
	if !slices.Equal(got, want) {
		t.Errorf("PastaArgs =\n%q\nwant\n%q", got, want)
	}
	none := PastaArgs(PastaOptions{NSPath: "/n"})
	if !slices.Contains(none, "none") || strings.Join(none, " ") != "--config-net --quiet --dns-forward "+DNSForward+" -t none -u none -T none -U none --netns /n" {
		t.Errorf("no ports: %q", none)
	}
}

func TestDefaultGateway(t *testing.T) {
	t.Parallel()
	route := "Iface\tDestination\tGateway \tFlags\n" +
		"eth0\t0002000A\t00000000\t0001\n" +
		"eth0\t00000000\t0102000A\t0003\n"
	if gw := defaultGateway(strings.NewReader(route)); gw.String() != "10.0.2.1" {
		t.Errorf("gateway = %v, want 10.0.2.1", gw)
	}
	if gw := defaultGateway(strings.NewReader("Iface\tDestination\n")); gw != nil {
		t.Errorf("no default route gave %v", gw)
	}
}

func TestReservePorts(t *testing.T) {
	t.Parallel()
	got, err := ReservePorts([]define.PortMapping{{ContainerPort: 80, Protocol: "tcp"}, {ContainerPort: 53, Protocol: "udp", Range: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].HostPort == 0 || got[1].HostPort == 0 || got[0].Range != 1 {
		t.Fatalf("ports not assigned: %+v", got)
	}
	// A port in use is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	used := uint16(l.Addr().(*net.TCPAddr).Port)
	_, err = ReservePorts([]define.PortMapping{{HostIP: "127.0.0.1", HostPort: used, ContainerPort: 80, Protocol: "tcp", Range: 1}})
	if !errors.Is(err, define.ErrConflict) {
		t.Errorf("port in use: got %v, want a conflict", err)
	}
}

func TestPastaOffline(t *testing.T) {
	t.Parallel()
	got := strings.Join(PastaArgs(PastaOptions{NSPath: "/n", NoRoute: true, Args: []string{"--mtu", "1500"}}), " ")
	if !strings.Contains(got, "-U none -i lo -I eth0 -a 10.0.2.100 -n 24 -g 10.0.2.2 -M 9a:55:9a:55:9a:55 --mtu 1500 --netns /n") {
		t.Errorf("PastaArgs with no route = %q", got)
	}
	if setsTemplate([]string{"--mtu", "1500"}) || !setsTemplate([]string{"--interface=eth1"}) || !setsTemplate([]string{"-a", "10.1.1.1"}) {
		t.Error("setsTemplate")
	}
	route4 := "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
	for _, c := range []struct {
		table string
		want  bool
	}{
		{route4, false},
		{route4 + "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n", true},
		{route4 + "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n", false},
		{route4 + "eth0\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\n", false}, // not up
	} {
		if got := defaultRoute4(strings.NewReader(c.table)); got != c.want {
			t.Errorf("defaultRoute4(%q) = %v", c.table, got)
		}
	}
	zero := "00000000000000000000000000000000"
	for _, c := range []struct {
		line string
		want bool
	}{
		{zero + " 00 " + zero + " 00 " + zero + " ffffffff 00000001 00000000 00200200       lo", false},
		{zero + " 00 " + zero + " 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0", true},
		{"fd000000000000000000000000000000 40 " + zero + " 00 " + zero + " 00000100 00000001 00000000 00000001     eth0", false},
	} {
		if got := defaultRoute6(strings.NewReader(c.line + "\n")); got != c.want {
			t.Errorf("defaultRoute6(%q) = %v", c.line, got)
		}
	}
}
