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
